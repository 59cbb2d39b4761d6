namespace Multiplexer.Actors.Config;

/// <summary>The optional <c>multiplexer.http.tls</c> section: PEM files that make the public listener HTTPS.</summary>
/// <param name="Certificate">Absolute path of the PEM certificate (chain).</param>
/// <param name="Key">Absolute path of the PEM private key.</param>
public sealed record TlsSettings(string Certificate, string Key);
