using System.Diagnostics;
using System.Globalization;

namespace Multiplexer.EndToEnd.Tests.Scaling;

/// <summary>One request's outcome: which worker answered, or what went wrong.</summary>
/// <param name="At">Since the load started.</param>
public sealed record LoadOutcome(TimeSpan At, int? WorkerPid, string? ServedBy, string? Failure);

/// <summary>
/// Steady load from several clients, each sending <c>GET /</c> in a loop and keeping every outcome. Half
/// the clients keep their connection alive (recycled every second), the other half open a new one for
/// every request, which a balancer passes on as a new connection to a node.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    // A pause between requests keeps the load steady without taking every core from the nodes' restarts.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(5);

    private readonly List<LoadOutcome> _outcomes = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;

    private SteadyLoad(Uri target, int clients) =>
        _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => RunAsync(target, keepAlive: i % 2 == 0)))];

    public IReadOnlyList<LoadOutcome> Outcomes
    {
        get
        {
            lock (_gate)
            {
                return [.. _outcomes];
            }
        }
    }

    public static SteadyLoad Start(Uri target, int clients) => new(target, clients);

    /// <summary>Waits until workers among <paramref name="pids"/> have answered <paramref name="count"/> requests, counting past ones.</summary>
    public Task WaitForAnswersFromAsync(IReadOnlySet<int> pids, int count, TimeSpan timeout)
    {
        var waiter = new Waiter(pids, count);
        lock (_gate)
        {
            waiter.Remaining -= _outcomes.Count(o => o.WorkerPid is { } pid && pids.Contains(pid));
            if (waiter.Remaining <= 0)
            {
                return Task.CompletedTask;
            }
            _waiters.Add(waiter);
        }
        return waiter.Seen.Task.WaitAsync(timeout);
    }

    /// <summary>Lets every request under way finish, then stops the clients.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(Uri target, bool keepAlive)
    {
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = target,
            Timeout = TimeSpan.FromSeconds(15),
        };
        while (!_stop.IsCancellationRequested)
        {
            Record(await SendAsync(client, keepAlive));
            await Task.Delay(Pace);
        }
    }

    private async Task<LoadOutcome> SendAsync(HttpClient client, bool keepAlive)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.ConnectionClose = !keepAlive;
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var pid = response.Headers.TryGetValues("x-worker-pid", out var pids)
                && int.TryParse(pids.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
            var servedBy = response.Headers.TryGetValues("x-served-by", out var servers) ? servers.First() : null;
            var failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}: {body.Trim()}";
            return new LoadOutcome(_clock.Elapsed, pid, servedBy, failure);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new LoadOutcome(_clock.Elapsed, null, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Record(LoadOutcome outcome)
    {
        List<TaskCompletionSource> seen = [];
        lock (_gate)
        {
            _outcomes.Add(outcome);
            if (outcome.WorkerPid is { } pid)
            {
                _waiters.RemoveAll(w =>
                {
                    if (!w.Pids.Contains(pid) || --w.Remaining > 0)
                    {
                        return false;
                    }
                    seen.Add(w.Seen);
                    return true;
                });
            }
        }
        seen.ForEach(s => s.TrySetResult());
    }

    private sealed class Waiter(IReadOnlySet<int> pids, int count)
    {
        public IReadOnlySet<int> Pids { get; } = pids;

        public int Remaining { get; set; } = count;

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
