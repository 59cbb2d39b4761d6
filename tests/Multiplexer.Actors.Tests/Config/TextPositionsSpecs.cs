using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class TextPositionsSpecs
{
    [Theory]
    [InlineData("", 0, 1, 1)]
    [InlineData("abc", 2, 1, 3)]
    [InlineData("abc", 3, 1, 4)]
    [InlineData("ab\ncd", 2, 1, 3)]
    [InlineData("ab\ncd", 3, 2, 1)]
    [InlineData("ab\n\ncd", 5, 3, 2)]
    [InlineData("\nx", 0, 1, 1)]
    public void Should_give_the_line_and_column_an_editor_shows(string text, int offset, int line, int column) =>
        Assert.Equal((line, column), new TextPositions(text).Of(offset));

    [Fact]
    public void Should_describe_a_position_for_a_message() =>
        Assert.Equal("line 2, column 3", new TextPositions("a = 1\nb = $").Describe(8));
}
