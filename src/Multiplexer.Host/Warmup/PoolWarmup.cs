using Akka.Actor;
using Akka.Hosting;
using Multiplexer.Actors.Pool;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Warmup;

/// <summary>
/// Holds the host's start until the first <c>size</c> workers are ready, so that "started" (and
/// systemd's READY=1) means the pool can serve. Bounded by ready-timeout, and cut short when the pool
/// fails fast: a broken start command must not keep the admin endpoints, which report it, from coming up.
/// </summary>
internal sealed partial class PoolWarmup(IRequiredActor<PoolActor> pool, LiveSettings live, ILogger<PoolWarmup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = live.Current;
        var actor = await pool.GetAsync(cancellationToken);
        var timeout = settings.Service.ReadyTimeout + TimeSpan.FromSeconds(1);
        try
        {
            var warm = await actor.Ask<PoolWarm>(AwaitPoolWarm.Instance, timeout, cancellationToken);
            if (warm.Failure is not null)
            {
                Failing(log, warm.Failure);
            }
        }
        catch (AskTimeoutException)
        {
            NotWarm(log, settings.Pool.Size, timeout.TotalSeconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting with a failing service, requests get 503 until a worker is ready: {Failure}")]
    private static partial void Failing(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not all {Size} workers were ready within {Seconds:0.#}s; starting anyway")]
    private static partial void NotWarm(ILogger logger, int size, double seconds);
}
