using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config;

public enum LogFormat
{
    Text,
    Json,
}

/// <summary>The <c>multiplexer.logging</c> section.</summary>
/// <param name="Level">One of trace, debug, info, warning, error.</param>
public sealed record LoggingSettings(LogFormat Format, string Level)
{
    public static IReadOnlyList<string> Levels { get; } = ["trace", "debug", "info", "warning", "error"];

    public static LoggingSettings Default { get; } = new(SettingKeys.Logging.Format.Default, SettingKeys.Logging.Level.Default);
}
