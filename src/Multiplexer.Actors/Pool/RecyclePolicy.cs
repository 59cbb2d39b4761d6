using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Pool;

/// <summary>Decides when a worker has done enough and should give way to a fresh one (max-requests, max-memory, max-lifetime).</summary>
internal sealed class RecyclePolicy(RecycleSettings settings)
{
    public bool Enabled => settings.Enabled;

    public bool WatchesMemory => settings.MaxMemory > 0;

    public TimeSpan CheckInterval => settings.MemoryCheckInterval;

    /// <summary>The request count after which this incarnation is recycled: max-requests plus its own share of jitter.</summary>
    public long RequestLimit(Random random) =>
        settings.MaxRequests == 0 ? long.MaxValue : settings.MaxRequests + random.NextInt64(settings.MaxRequestsJitter + 1);

    /// <summary>Why the worker should be recycled now, or null.</summary>
    public string? Reason(PooledWorker worker, DateTimeOffset now, long? rssBytes)
    {
        if (worker.ServedSinceReady >= worker.RequestLimit)
        {
            return $"served {worker.ServedSinceReady} requests (max-requests {settings.MaxRequests})";
        }
        if (settings.MaxLifetime > TimeSpan.Zero && worker.StartedAt is { } started && now - started >= settings.MaxLifetime)
        {
            return $"running for {(now - started).TotalSeconds:0}s (max-lifetime {Duration.Format(settings.MaxLifetime)})";
        }
        if (settings.MaxMemory > 0 && rssBytes > settings.MaxMemory)
        {
            return $"using {ByteSize.Format(rssBytes.Value)} (max-memory {ByteSize.Format(settings.MaxMemory)})";
        }
        return null;
    }
}
