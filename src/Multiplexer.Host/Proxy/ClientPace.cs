using System.Diagnostics;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// Whether a client that has fallen behind still counts as keeping up, so that the forwarder may wait
/// for it rather than spool to a temporary file: it does while it takes the response at
/// <see cref="KeepUpRate"/> or faster on average, which a client reading at full speed does even on a
/// busy machine, with <see cref="Slack"/> for the start of a response. A slower client spends the
/// allowance at once, so it holds the worker for at most that long.
/// </summary>
internal struct ClientPace
{
    /// <summary>Bytes per second.</summary>
    public const double KeepUpRate = 20e6;

    private static readonly double TicksPerByte = Stopwatch.Frequency / KeepUpRate;
    private static readonly long Slack = Stopwatch.Frequency / 40;

    private long _written;
    private long _waited;

    public void Wrote(int bytes) => _written += bytes;

    /// <summary>How much longer the forwarder may wait for the client; zero or less once it may not.</summary>
    public readonly TimeSpan Allowance => Stopwatch.GetElapsedTime(0, Slack + (long)(_written * TicksPerByte) - _waited);

    /// <summary>The forwarder waited for the client from <paramref name="since"/> to <paramref name="until"/>, both <see cref="Stopwatch"/> timestamps.</summary>
    public void Waited(long since, long until) => _waited += until - since;
}
