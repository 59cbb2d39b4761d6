using Multiplexer.Actors.Config.Keys;

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
    /// <summary>On SIGTERM, how long requests are still served while /healthz already fails.</summary>
    public TimeSpan ShutdownDelay { get; init; } = SettingKeys.Http.ShutdownDelay.Default;

    /// <summary>Null: plain HTTP.</summary>
    public TlsSettings? Tls { get; init; }
}
