using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config;

/// <summary>The <c>multiplexer.admin</c> section: a listener of its own for status, metrics and health.</summary>
/// <param name="Port">0 disables the admin listener.</param>
public sealed record AdminSettings(string Bind, int Port)
{
    public static AdminSettings Default { get; } = new(SettingKeys.Admin.Bind.Default, SettingKeys.Admin.Port.Default);

    /// <summary>When not empty, every admin path but the probes requires <c>Authorization: Bearer</c> this.</summary>
    public string Token { get; init; } = SettingKeys.Admin.Token.Default;

    public bool Enabled => Port != 0;
}
