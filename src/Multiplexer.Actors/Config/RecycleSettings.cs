using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config;

/// <summary>
/// When a worker is replaced by a fresh one, always between requests: after
/// <paramref name="MaxRequests"/> requests (plus a random 0..<paramref name="MaxRequestsJitter"/>, so a
/// pool does not recycle all at once), above <paramref name="MaxMemory"/> bytes of RSS for its whole
/// process tree (checked every <paramref name="MemoryCheckInterval"/>), or after <paramref name="MaxLifetime"/>.
/// Zero turns each off.
/// </summary>
public sealed record RecycleSettings(long MaxRequests, long MaxRequestsJitter, long MaxMemory, TimeSpan MaxLifetime, TimeSpan MemoryCheckInterval)
{
    public static RecycleSettings Off { get; } = new(0, 0, 0, TimeSpan.Zero, SettingKeys.Service.MemoryCheckInterval.Default);

    public bool Enabled => MaxRequests > 0 || MaxMemory > 0 || MaxLifetime > TimeSpan.Zero;
}
