using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Seed;

internal enum SeedTokenKind
{
    /// <summary>A lower-case name: <c>config</c>, <c>true</c>, a function name.</summary>
    Identifier,

    /// <summary>A capitalised module name part: <c>Config</c>, <c>Mix</c>.</summary>
    Alias,

    /// <summary>A keyword-list key, <c>pool_size:</c>; <see cref="SeedToken.Text"/> is the name without the colon.</summary>
    KeywordKey,

    /// <summary><c>:fifo</c> or <c>:"quoted"</c>; <see cref="SeedToken.Text"/> is the name without the colon.</summary>
    Atom,

    Integer,

    /// <summary>A double-quoted string; <see cref="SeedToken.Text"/> is its value with escapes applied.</summary>
    String,

    /// <summary>Punctuation or an operator: <c>, ( ) [ ] { } * + - / // .. . =</c></summary>
    Symbol,

    End,
}

/// <summary>One token of a seed <c>config.exs</c>, with where it starts (1-based).</summary>
internal readonly record struct SeedToken(SeedTokenKind Kind, string Text, long Integer, int Line, int Column)
{
    public bool IsSymbol(string symbol) => Kind == SeedTokenKind.Symbol && Text == symbol;

    public bool IsWord(string word) => Kind == SeedTokenKind.Identifier && Text == word;

    /// <summary>The token as an error message should show it.</summary>
    public string Describe() => Kind switch
    {
        SeedTokenKind.End => "the end of the file",
        SeedTokenKind.String => HoconString.Quote(Text),
        SeedTokenKind.KeywordKey => $"'{Text}:'",
        SeedTokenKind.Atom => $":{Text}",
        _ => $"'{Text}'",
    };
}
