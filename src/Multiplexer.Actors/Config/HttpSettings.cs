namespace Multiplexer.Actors.Config;

/// <summary>The <c>multiplexer.http</c> section.</summary>
/// <param name="Port">0 asks the OS for an ephemeral port.</param>
/// <param name="MaxRequestBody">Null means unlimited.</param>
public sealed record HttpSettings(
    string Bind,
    int Port,
    TimeSpan ProxyTimeout,
    bool RequestBuffering,
    bool ResponseBuffering,
    int BufferMemory,
    long? MaxRequestBody,
    TimeSpan DrainTimeout)
{
    /// <summary>Null: plain HTTP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>How long, after SIGTERM, the listener goes on serving while <c>/healthz</c> already says it is shutting down.</summary>
    public TimeSpan ShutdownDelay { get; init; }
}
