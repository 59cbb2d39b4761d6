using static Multiplexer.Actors.Config.Seed.SeedSyntaxException;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>The tokens of a seed <c>config.exs</c> and how far the parsers have read them.</summary>
internal sealed class SeedTokenStream(List<SeedToken> tokens)
{
    private readonly List<SeedToken> _tokens = tokens;
    private int _at;

    public SeedToken Peek => _tokens[_at];

    /// <summary>The token after <see cref="Peek"/>; the last token, <see cref="SeedTokenKind.End"/>, has none.</summary>
    public SeedToken AfterPeek => _tokens[Math.Min(_at + 1, _tokens.Count - 1)];

    /// <summary>Takes the next token; at the end, keeps returning <see cref="SeedTokenKind.End"/>.</summary>
    public SeedToken Next()
    {
        var token = _tokens[_at];
        if (token.Kind != SeedTokenKind.End)
        {
            _at++;
        }

        return token;
    }

    public bool Accept(string symbol)
    {
        if (!Peek.IsSymbol(symbol))
        {
            return false;
        }

        _at++;
        return true;
    }

    /// <param name="context">Where the symbol belongs, for the error: "to close '('".</param>
    public void Expect(string symbol, string context)
    {
        if (!Accept(symbol))
        {
            throw At(Peek, $"expected '{symbol}' {context}, found {Peek.Describe()}");
        }
    }
}
