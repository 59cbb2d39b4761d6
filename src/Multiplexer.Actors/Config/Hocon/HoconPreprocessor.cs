using System.Text;

namespace Multiplexer.Actors.Config.Hocon;

/// <summary>
/// A pass over the HOCON text before Akka's parser sees it. Akka 1.5's built-in parser never reads
/// environment variables, mis-tokenizes optional substitutions (<c>${?X}</c> silently corrupts the
/// surrounding structure), silently ignores unbalanced braces, and crashes on <c>include</c>; this
/// fills those gaps without re-implementing the rest of HOCON.
/// </summary>
/// <remarks>
/// <c>${NAME}</c> and <c>${?NAME}</c> (no dot in NAME) become the quoted value of environment variable
/// NAME when it is set. An unset <c>${?NAME}</c> that is a field's whole value removes the field, so an
/// earlier value or the default stays; inside an array it removes the element; inside a concatenation
/// it contributes nothing. Anything else (dotted paths, unset <c>${NAME}</c>) is left for Akka to resolve.
/// </remarks>
internal static class HoconPreprocessor
{
    public static string Apply(string text, Func<string, string?> environment)
    {
        var output = new StringBuilder(text.Length);
        var frames = new Stack<Frame>();
        frames.Push(new Frame(isArray: false, openedAt: 0));
        var i = 0;
        while (i < text.Length)
        {
            var frame = frames.Peek();
            var c = text[i];
            var start = i;
            if (c == '"')
            {
                i = EndOfString(text, i);
                frame.Token(output.Length);
            }
            else if (c == '#' || (c == '/' && At(text, i + 1) == '/'))
            {
                i = text.IndexOf('\n', i) is var newline and >= 0 ? newline : text.Length;
            }
            else if (c == '$' && At(text, i + 1) == '{')
            {
                i = Substitute(text, i, output, frame, environment);
                continue;
            }
            else
            {
                i++;
                if (Structure(text, start, frames, frame, output.Length) is { } replacement)
                {
                    output.Append(replacement);
                    continue;
                }
            }

            output.Append(text, start, i - start);
        }

        if (frames.Count > 1)
        {
            var open = frames.Peek();
            throw Error(text, open.OpenedAt, $"'{text[open.OpenedAt]}' is never closed");
        }

        return output.ToString();
    }

    // Tracks where fields start and end, the only structure an unset ${?X} needs to be removed.
    // Returns what to write instead of text[i], or null to copy it.
    private static char? Structure(string text, int i, Stack<Frame> frames, Frame frame, int outputAt)
    {
        var inKey = !frame.IsArray && !frame.InValue;
        switch (text[i])
        {
            case '{':
                if (inKey)
                {
                    frame.StartValue(); // "key { ... }": the object is the field's value
                    frame.BareObject = true;
                }

                frame.Token(outputAt);
                frames.Push(new Frame(isArray: false, openedAt: i));
                break;
            case '[':
                frame.Token(outputAt);
                frames.Push(new Frame(isArray: true, openedAt: i) { InValue = true });
                break;
            case '}' or ']':
                if (frames.Count == 1 || frame.IsArray != (text[i] == ']'))
                {
                    throw Error(text, i, $"unexpected '{text[i]}'");
                }

                frames.Pop();
                break;
            case '=' or ':' when inKey:
                frame.StartValue();
                break;
            case ',':
                var afterBareObject = frame.BareObject;
                frame.EndValue();
                if (afterBareObject)
                {
                    return ' '; // Akka rejects "a { } , b = 1" yet accepts "a { }   b = 1"; a space keeps offsets
                }

                break;
            case '\n':
                if (frame.HasContent)
                {
                    frame.EndValue(); // a newline ends a field only once it has a value
                }

                break;
            case var w when char.IsWhiteSpace(w):
                break;
            default:
                if (inKey && frame.FieldStart < 0 && IsInclude(text, i))
                {
                    throw Error(text, i, "'include' is not supported");
                }

                frame.Token(outputAt);
                break;
        }

        return null;
    }

    private static int Substitute(string text, int i, StringBuilder output, Frame frame, Func<string, string?> environment)
    {
        var close = text.IndexOf('}', i);
        var newline = text.IndexOf('\n', i);
        if (close < 0 || (newline >= 0 && newline < close))
        {
            throw Error(text, i, "'${' is never closed");
        }

        var inner = text[(i + 2)..close].Trim();
        var optional = inner.StartsWith('?');
        var name = optional ? inner[1..].Trim() : inner;
        if (name.Length == 0)
        {
            throw Error(text, i, "empty substitution");
        }

        var isPath = name.Contains('.', StringComparison.Ordinal);
        var value = isPath ? null : environment(name);
        var hadContent = frame.HasContent;
        frame.Token(output.Length);
        if (value is not null)
        {
            output.Append(HoconString.Quote(value));
            return close + 1;
        }

        if (!optional || isPath)
        {
            output.Append("${").Append(name).Append('}');
            return close + 1;
        }

        var next = close + 1;
        while (At(text, next) is ' ' or '\t')
        {
            next++;
        }

        var alone = !hadContent
            && (next >= text.Length || text[next] is '\r' or '\n' or ',' or '}' or ']' or '#'
                || (text[next] == '/' && At(text, next + 1) == '/'));
        if (!alone)
        {
            // Part of a concatenation: contributes nothing. Writing "" instead could fuse with
            // neighbouring quotes into a """ that Akka reads as a triple-quoted string.
            return close + 1;
        }

        if (!frame.IsArray && frame.FieldStart >= 0)
        {
            output.Length = frame.FieldStart;
        }

        frame.EndValue();
        // Drop the separator too: Akka rejects "{ , b = 1 }".
        return At(text, next) == ',' ? next + 1 : next;
    }

    private static int EndOfString(string text, int i)
    {
        if (string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0)
        {
            var close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error(text, i, "'\"\"\"' is never closed");
            }

            return close + 3; // the first closing triple ends it, as in Akka's tokenizer
        }

        for (var j = i + 1; j < text.Length && text[j] != '\n'; j++)
        {
            if (text[j] == '\\')
            {
                j++;
            }
            else if (text[j] == '"')
            {
                return j + 1;
            }
        }

        throw Error(text, i, "'\"' is never closed on its line");
    }

    private static bool IsInclude(string text, int i) =>
        string.CompareOrdinal(text, i, "include", 0, 7) == 0
        && char.IsWhiteSpace(At(text, i + 7))
        && text.AsSpan(i + 7).TrimStart().StartsWith("\"", StringComparison.Ordinal);

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

    private static FormatException Error(string text, int at, string problem) =>
        new($"{problem} ({new TextPositions(text).Describe(at)})");

    /// <summary>One open object or array, with the state of the field or element being read in it.</summary>
    private sealed class Frame(bool isArray, int openedAt)
    {
        public bool IsArray { get; } = isArray;

        /// <summary>Input offset of the opening brace or bracket, for "never closed" errors.</summary>
        public int OpenedAt { get; } = openedAt;

        public bool InValue { get; set; }

        /// <summary>Output offset where the current field's key begins; -1 between fields.</summary>
        public int FieldStart { get; private set; } = -1;

        public bool HasContent { get; private set; }

        /// <summary>The current field is "key { ... }", written without '=' or ':'.</summary>
        public bool BareObject { get; set; }

        public void Token(int outputAt)
        {
            if (!IsArray && !InValue)
            {
                if (FieldStart < 0)
                {
                    FieldStart = outputAt;
                }
            }
            else
            {
                HasContent = true;
            }
        }

        public void StartValue()
        {
            InValue = true;
            HasContent = false;
            BareObject = false;
        }

        public void EndValue()
        {
            InValue = IsArray;
            HasContent = false;
            BareObject = false;
            FieldStart = -1;
        }
    }
}
