using Multiplexer.Actors.Config;

namespace Multiplexer.Host.Hosting;

/// <summary>
/// The settings in force, swapped whole by a reload. A feature reads <see cref="Current"/> once per request
/// and keeps that copy to the end, so a reload never changes a request half way; what only a restart
/// changes (listeners, the port range) it reads from <see cref="Started"/>.
/// </summary>
internal sealed class LiveSettings(MultiplexerSettings started)
{
    private volatile MultiplexerSettings _current = started;

    public MultiplexerSettings Started { get; } = started;

    public MultiplexerSettings Current => _current;

    public void Swap(MultiplexerSettings next) => _current = next;
}
