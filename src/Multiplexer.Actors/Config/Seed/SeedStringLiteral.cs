using System.Globalization;
using System.Text;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Reads one double-quoted string of a seed <c>config.exs</c>, on one line, with Elixir's escapes applied
/// (<c>\n</c>, <c>\x41</c>, <c>\u00e9</c>, <c>\u{1F600}</c>, ...); heredocs and interpolation are refused.
/// </summary>
internal sealed class SeedStringLiteral
{
    private static readonly Dictionary<char, char> Escapes = new()
    {
        ['n'] = '\n', ['r'] = '\r', ['t'] = '\t', ['s'] = ' ', ['e'] = '\x1b', ['0'] = '\0',
        ['a'] = '\a', ['b'] = '\b', ['d'] = '\x7f', ['f'] = '\f', ['v'] = '\v',
    };

    private readonly string _text;
    private readonly TextPositions _positions;
    private int _at;

    private SeedStringLiteral(string text, int at, TextPositions positions)
    {
        _text = text;
        _at = at;
        _positions = positions;
    }

    /// <param name="at">The offset of the opening quote.</param>
    /// <returns>The string's value, and the offset just past its closing quote.</returns>
    /// <exception cref="SeedSyntaxException">Not closed on its line, a bad escape, a heredoc or an interpolation.</exception>
    public static (string Value, int End) Read(string text, int at, TextPositions positions)
    {
        var literal = new SeedStringLiteral(text, at, positions);
        var value = literal.ReadString();
        return (value, literal._at);
    }

    private string ReadString()
    {
        var start = _at;
        if (string.CompareOrdinal(_text, _at, "\"\"\"", 0, 3) == 0)
        {
            throw Error("heredocs (\"\"\") are not supported; use a double-quoted string on one line");
        }

        _at++;
        var value = new StringBuilder();
        while (true)
        {
            var c = At(_at);
            if (_at >= _text.Length || c == '\n')
            {
                throw Error("string is not closed on its line", start);
            }

            _at++;
            switch (c)
            {
                case '"':
                    return value.ToString();
                case '#' when At(_at) == '{':
                    throw Error("string interpolation #{...} is not supported; write the value itself", _at - 1);
                case '\\':
                    ReadEscape(value);
                    break;
                default:
                    value.Append(c);
                    break;
            }
        }
    }

    // _at is just past the backslash.
    private void ReadEscape(StringBuilder value)
    {
        var escapeAt = _at - 1;
        var c = At(_at);
        if (_at >= _text.Length)
        {
            return; // the caller reports the unclosed string
        }

        _at++;
        switch (c)
        {
            case var letter when Escapes.TryGetValue(letter, out var escaped):
                value.Append(escaped);
                break;
            case '\n':
                break; // a backslash before a newline continues the string on the next line
            case 'x':
                value.Append((char)ReadHex(escapeAt, 1, 2, braces: false));
                break;
            case 'u':
                var braces = At(_at) == '{';
                var codePoint = ReadHex(escapeAt, braces ? 1 : 4, braces ? 6 : 4, braces);
                if (codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
                {
                    throw Error("invalid \\u escape", escapeAt);
                }

                value.Append(char.ConvertFromUtf32(codePoint));
                break;
            default:
                value.Append(c); // "\"", "\\", "\#" and any other escaped character stand for themselves
                break;
        }
    }

    private int ReadHex(int escapeAt, int min, int max, bool braces)
    {
        if (braces)
        {
            _at++;
        }

        var start = _at;
        while (_at - start < max && char.IsAsciiHexDigit(At(_at)))
        {
            _at++;
        }

        if (_at - start < min || (braces && At(_at++) != '}'))
        {
            throw Error($"invalid escape '{_text[escapeAt..Math.Min(_at, _text.Length)]}'", escapeAt);
        }

        return int.Parse(_text.AsSpan(start, _at - start - (braces ? 1 : 0)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private char At(int i) => i < _text.Length ? _text[i] : '\0';

    private SeedSyntaxException Error(string problem, int? at = null) => SeedSyntaxException.At(_positions, at ?? _at, problem);
}
