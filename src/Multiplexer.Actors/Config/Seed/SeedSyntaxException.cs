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
}
