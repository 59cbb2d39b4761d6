using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Metrics;
using Multiplexer.Host.Reload;
using Prometheus;

namespace Multiplexer.Host.Admin;

/// <summary>
/// The admin listener's endpoints: <c>/status</c> (JSON), <c>/metrics</c> (Prometheus text),
/// <c>/healthz</c> (ready to serve), <c>/livez</c> (alive) and <c>/</c> (a live HTML view of the pool).
/// They are served only on the admin port, so no path of the proxied service is ever taken from it.
/// </summary>
internal static class AdminEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    // Below the usual liveness probe timeouts (Kubernetes' 1 s default is raised to 3 s in deploy/kubernetes).
    private static readonly TimeSpan LivenessTimeout = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/status", async (IRequiredActor<PoolActor> pool, LiveSettings settings) =>
            Results.Json(StatusDocument.From(await StatusAsync(pool), settings.Current), Json));

        admin.MapGet("/healthz", async (IRequiredActor<PoolActor> pool, ShutdownDelay shutdown) =>
        {
            if (shutdown.ShuttingDown)
            {
                return Results.Text("unhealthy: shutting down\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var status = await StatusAsync(pool);
            var ready = status.Idle + status.Busy;
            return ready > 0
                ? Results.Text($"ok: {ready} of {status.Workers.Count} workers ready\n")
                : Results.Text($"unhealthy: no worker ready ({Describe(status)})\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });

        admin.MapGet("/livez", async (IRequiredActor<PoolActor> pool) =>
        {
            // Identify is answered from the pool's mailbox, so a pool that no longer takes messages fails it.
            try
            {
                await pool.ActorRef.Ask<ActorIdentity>(new Identify(null), LivenessTimeout);
                return Results.Text("ok: alive\n");
            }
            catch (AskTimeoutException)
            {
                return Results.Text($"unhealthy: the pool actor did not answer within {LivenessTimeout.TotalSeconds:0}s\n",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        admin.MapGet("/metrics", async (HttpContext context, IRequiredActor<PoolActor> pool, ProxyMetrics metrics, CollectorRegistry registry) =>
        {
            metrics.Update(await StatusAsync(pool));
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });

        admin.MapPost("/reload", async (ConfigReloader reloader) =>
        {
            var (applied, outcome) = await reloader.ReloadAsync();
            return Results.Text(outcome + "\n", statusCode: applied ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        admin.MapGet("/", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));
    }

    private static Task<PoolStatus> StatusAsync(IRequiredActor<PoolActor> pool) =>
        pool.ActorRef.Ask<PoolStatus>(GetPoolStatus.Instance, AskTimeout);

    private static string Describe(PoolStatus status)
    {
        if (status.Failure is { } failure)
        {
            return failure;
        }
        var last = status.RecentExits.Count > 0 ? status.RecentExits[^1] : null;
        var starting = $"{status.Starting} starting";
        return last is null ? starting : $"{starting}; last stop: worker {last.WorkerId} {last.Reason}";
    }

    /// <summary>The JSON shape of <c>/status</c>.</summary>
    private sealed record StatusDocument(PoolDocument Pool, IReadOnlyList<WorkerDocument> Workers, IReadOnlyList<WorkerExit> RecentExits)
    {
        public static StatusDocument From(PoolStatus status, MultiplexerSettings settings)
        {
            int[] groups = [.. status.Workers.Where(w => w.Pgid is not null).Select(w => w.Pgid!.Value)];
            var rss = ProcessGroupUsage.RssBytes(groups);
            var cpu = ProcessGroupUsage.CpuSeconds(groups);
            return new(
                new PoolDocument(status.Size, status.MaxOverflow, status.Strategy.ToString().ToLowerInvariant(),
                    status.Idle, status.Busy, status.Starting, status.Waiting, status.Counters.Spawned, status.Counters.Retired, status.Failure,
                    status.Counters.Served, status.Counters.WaitingMax, status.Counters.LimitReached, settings.Pool.MaxWaiting,
                    (long)settings.Pool.CheckoutTimeout.TotalMilliseconds, (long)settings.Http.ProxyTimeout.TotalMilliseconds, settings.Pool.MinSpare, status.SlowRequests),
                [.. status.Workers.Select(w => new WorkerDocument(w.Id, w.Pid, w.Pgid, w.Port, w.State, w.StartedAt, w.RequestsServed, w.Restarts, w.LastExit,
                    w.Pgid is { } pgid ? rss.GetValueOrDefault(pgid) : null, w.Pgid is { } group ? cpu.GetValueOrDefault(group) : null,
                    w.Request, w.LastRequest))],
                status.RecentExits);
        }
    }

    private sealed record PoolDocument(int Size, int MaxOverflow, string Strategy, int Idle, int Busy, int Starting, int Waiting, long Spawned, long Retired,
        string? Failure, long Served, int WaitingMax, long LimitReached, int MaxWaiting, long CheckoutTimeoutMs, long ProxyTimeoutMs, int MinSpare, long SlowRequests);

    private sealed record WorkerDocument(int Id, int? Pid, int? Pgid, int? Port, string State, DateTimeOffset? StartedAt, long RequestsServed,
        int Restarts, string? LastExit, long? RssBytes, double? CpuSeconds, WorkerRequest? Request, WorkerLastRequest? LastRequest);
}
