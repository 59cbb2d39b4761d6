namespace Multiplexer.Actors.Config;

/// <summary>
/// Lines and columns (both from 1, as an editor shows them) of offsets in a text, for error messages
/// about config files. Lines end at '\n'; a column counts UTF-16 characters.
/// </summary>
internal sealed class TextPositions
{
    private readonly List<int> _lineStarts = [0];

    public TextPositions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Of(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>"line 3, column 16".</summary>
    public string Describe(int offset)
    {
        var (line, column) = Of(offset);
        return $"line {line}, column {column}";
    }
}
