namespace Multiplexer.Actors.Config;

/// <summary>The <c>multiplexer.admin</c> section: a listener of its own for status, metrics and health.</summary>
/// <param name="Port">0 disables the admin listener.</param>
public sealed record AdminSettings(string Bind, int Port)
{
    public static AdminSettings Default { get; } = new("127.0.0.1", 3001);

    public bool Enabled => Port != 0;

    /// <summary>The bearer token every admin path but the probes requires; empty: none.</summary>
    public string Token { get; init; } = "";
}
