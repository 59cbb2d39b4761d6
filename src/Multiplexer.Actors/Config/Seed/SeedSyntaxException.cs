namespace Multiplexer.Actors.Config.Seed;

/// <summary>The <c>config.exs</c> text cannot be read; carries where, for a message naming the line.</summary>
internal sealed class SeedSyntaxException : Exception
{
    public SeedSyntaxException(int line, int column, string problem)
        : base(problem)
    {
        Line = line;
        Column = column;
    }

    public SeedSyntaxException()
    {
    }

    public SeedSyntaxException(string message)
        : base(message)
    {
    }

    public SeedSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Line { get; }

    public int Column { get; }

    public static SeedSyntaxException At(SeedToken token, string problem) => new(token.Line, token.Column, problem);

    public static SeedSyntaxException At(TextPositions positions, int offset, string problem)
    {
        var (line, column) = positions.Of(offset);
        return new SeedSyntaxException(line, column, problem);
    }
}
