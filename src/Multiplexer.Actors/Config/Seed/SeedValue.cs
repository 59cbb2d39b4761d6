using System.Globalization;
using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Seed;

internal enum SeedValueKind
{
    Integer,
    String,
    Atom,
    Boolean,
    Nil,
    Range,
    List,
    Tuple,

    /// <summary>A module name such as <c>Logger.Backends.Console</c>, allowed only in other applications' settings.</summary>
    Module,

    /// <summary>A function call such as <c>System.get_env("PORT")</c>; it cannot be evaluated here.</summary>
    Call,
}

/// <summary>A literal value of a seed setting, evaluated, with the line where it starts.</summary>
/// <param name="Integer">The value of an integer, the first of a range.</param>
/// <param name="Text">The value of a string, the name of an atom, module or called function, "true" or "false".</param>
/// <param name="Last">The last of a range.</param>
internal sealed record SeedValue(
    SeedValueKind Kind,
    int Line,
    long Integer = 0,
    string Text = "",
    long Last = 0,
    IReadOnlyList<SeedValue>? Items = null)
{
    /// <summary>The value as an error message should show it.</summary>
    public string Describe() => Kind switch
    {
        SeedValueKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        SeedValueKind.String => HoconString.Quote(Text),
        SeedValueKind.Atom => ":" + Text,
        SeedValueKind.Boolean => Text,
        SeedValueKind.Nil => "nil",
        SeedValueKind.Range => string.Create(CultureInfo.InvariantCulture, $"{Integer}..{Last}"),
        SeedValueKind.List => "a list",
        SeedValueKind.Tuple => "a tuple",
        SeedValueKind.Module => Text,
        _ => $"a call of {Text}(...)",
    };
}
