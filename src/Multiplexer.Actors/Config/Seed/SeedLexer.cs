using System.Globalization;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Splits the Elixir subset a seed <c>config.exs</c> is written in into tokens: names, keyword keys,
/// atoms, integers (with <c>_</c> separators, <c>0x</c>/<c>0o</c>/<c>0b</c>), double-quoted strings
/// and punctuation. <c>#</c> comments and whitespace, newlines included, are skipped.
/// </summary>
internal sealed class SeedLexer
{
    private const string Symbols = ",()[]{}*+-=";

    private readonly string _text;
    private readonly TextPositions _positions;
    private int _at;

    private SeedLexer(string text)
    {
        _text = text;
        _positions = new TextPositions(text);
    }

    /// <summary>Every token of <paramref name="text"/>, ending with one <see cref="SeedTokenKind.End"/>.</summary>
    /// <exception cref="SeedSyntaxException">A character or literal the subset does not have.</exception>
    public static List<SeedToken> Tokenize(string text)
    {
        var lexer = new SeedLexer(text);
        var tokens = new List<SeedToken>();
        SeedToken token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != SeedTokenKind.End);

        return tokens;
    }

    private SeedToken Next()
    {
        SkipSpaceAndComments();
        var (line, column) = _positions.Of(_at);
        if (_at >= _text.Length)
        {
            return new SeedToken(SeedTokenKind.End, "", 0, line, column);
        }

        var c = _text[_at];
        if (char.IsAsciiDigit(c))
        {
            return new SeedToken(SeedTokenKind.Integer, "", ReadInteger(), line, column);
        }

        if (char.IsAsciiLetterLower(c) || c == '_')
        {
            var name = ReadName(allowSuffix: true);
            if (At(_at) == ':' && At(_at + 1) != ':')
            {
                _at++;
                return new SeedToken(SeedTokenKind.KeywordKey, name, 0, line, column);
            }

            return new SeedToken(SeedTokenKind.Identifier, name, 0, line, column);
        }

        if (char.IsAsciiLetterUpper(c))
        {
            return new SeedToken(SeedTokenKind.Alias, ReadName(allowSuffix: false), 0, line, column);
        }

        switch (c)
        {
            case '"':
                return new SeedToken(SeedTokenKind.String, ReadString(), 0, line, column);
            case ':' when At(_at + 1) == '"':
                _at++;
                return new SeedToken(SeedTokenKind.Atom, ReadString(), 0, line, column);
            case ':' when char.IsAsciiLetter(At(_at + 1)) || At(_at + 1) == '_':
                _at++;
                return new SeedToken(SeedTokenKind.Atom, ReadName(allowSuffix: true), 0, line, column);
            case '.' or '/':
                var symbol = At(_at + 1) == c ? new string(c, 2) : c.ToString(); // ".." and "//" of a..b//step
                _at += symbol.Length;
                return new SeedToken(SeedTokenKind.Symbol, symbol, 0, line, column);
            case '\'':
                throw Error("single-quoted charlists are not supported; use a double-quoted string");
            case '~':
                throw Error("sigils such as ~s(...) are not supported; use a double-quoted string");
            case '%':
                throw Error("maps are not supported; use a keyword list");
            case var other when Symbols.Contains(other, StringComparison.Ordinal):
                _at++;
                return new SeedToken(SeedTokenKind.Symbol, other.ToString(), 0, line, column);
            default:
                throw Error($"unexpected character {Show(c)}");
        }
    }

    private void SkipSpaceAndComments()
    {
        while (_at < _text.Length)
        {
            var c = _text[_at];
            if (c == '#')
            {
                while (_at < _text.Length && _text[_at] != '\n')
                {
                    _at++;
                }

                continue;
            }
            else if (!char.IsWhiteSpace(c))
            {
                return;
            }

            _at++;
        }
    }

    private string ReadName(bool allowSuffix)
    {
        var start = _at;
        while (char.IsAsciiLetterOrDigit(At(_at)) || At(_at) == '_')
        {
            _at++;
        }

        if (allowSuffix && At(_at) is '?' or '!')
        {
            _at++;
        }

        return _text[start.._at];
    }

    private long ReadInteger()
    {
        var numberAt = _at;
        var (radix, digits) = (At(_at), char.ToLowerInvariant(At(_at + 1)), IsDigit(At(_at + 2), 16)) switch
        {
            ('0', 'x', true) => (16, 2),
            ('0', 'o', _) when IsDigit(At(_at + 2), 8) => (8, 2),
            ('0', 'b', _) when IsDigit(At(_at + 2), 2) => (2, 2),
            _ => (10, 0),
        };
        _at += digits;
        var start = _at;
        long value = 0;
        while (IsDigit(At(_at), radix) || (At(_at) == '_' && IsDigit(At(_at + 1), radix) && _at > start))
        {
            if (At(_at) != '_')
            {
                var digit = char.IsAsciiDigit(At(_at)) ? At(_at) - '0' : char.ToLowerInvariant(At(_at)) - 'a' + 10;
                try
                {
                    value = checked((value * radix) + digit);
                }
                catch (OverflowException)
                {
                    throw Error("integer is too large", numberAt);
                }
            }

            _at++;
        }

        if (At(_at) == '.' && char.IsAsciiDigit(At(_at + 1)))
        {
            throw Error("floating-point numbers are not supported; use an integer", numberAt);
        }

        if (char.IsAsciiLetterOrDigit(At(_at)) || At(_at) == '_')
        {
            throw Error($"malformed number: unexpected {Show(At(_at))}", numberAt);
        }

        return value;
    }

    private char At(int i) => i < _text.Length ? _text[i] : '\0';

    private static bool IsDigit(char c, int radix) => radix switch
    {
        16 => char.IsAsciiHexDigit(c),
        8 => c is >= '0' and <= '7',
        2 => c is '0' or '1',
        _ => char.IsAsciiDigit(c),
    };

    private static string Show(char c) =>
        char.IsControl(c) ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : $"'{c}'";

    private string ReadString()
    {
        (var value, _at) = SeedStringLiteral.Read(_text, _at, _positions);
        return value;
    }

    private SeedSyntaxException Error(string problem, int? at = null) => SeedSyntaxException.At(_positions, at ?? _at, problem);
}
