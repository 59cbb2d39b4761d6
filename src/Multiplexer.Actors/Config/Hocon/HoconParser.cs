using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Configuration;

namespace Multiplexer.Actors.Config.Hocon;

/// <summary>HOCON text to Akka's tree, after <see cref="HoconPreprocessor"/>, with syntax errors on one line.</summary>
internal static partial class HoconParser
{
    /// <param name="sourcePath">Where the text came from, for messages; "" if not a file.</param>
    /// <exception cref="SettingsException">Bad syntax, named by the file.</exception>
    public static Akka.Configuration.Config Parse(string hocon, string sourcePath)
    {
        var name = sourcePath.Length > 0 ? sourcePath : "config";
        var text = hocon;
        try
        {
            text = HoconPreprocessor.Apply(hocon, Environment.GetEnvironmentVariable);
            return ConfigurationFactory.ParseString(text);
        }
#pragma warning disable CA1031 // Akka's parser throws assorted exception types; every one means "bad syntax".
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new SettingsException(name, $"{name}: invalid HOCON: {OneLine(e.Message, text)}", e);
        }
    }

    // Akka's messages span lines and give a character offset; users need one line and a line number.
    private static string OneLine(string message, string text)
    {
        var first = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault()?.TrimEnd(':') ?? "syntax error";
        var position = PositionPattern().Match(first);
        if (position.Success
            && int.TryParse(position.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            && at <= text.Length)
        {
            first += $" ({new TextPositions(text).Describe(at)})";
        }

        return first;
    }

    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex PositionPattern();
}
