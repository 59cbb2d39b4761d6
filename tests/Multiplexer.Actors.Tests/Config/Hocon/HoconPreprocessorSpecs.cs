using Akka.Configuration;
using Multiplexer.Actors.Config.Hocon;
using Xunit;

namespace Multiplexer.Actors.Tests.Config.Hocon;

public sealed class HoconPreprocessorSpecs
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SET"] = "7",
        ["TRICKY"] = "a \"quoted\" } value: with = signs\nand a newline",
    };

    private static string Apply(string text) =>
        HoconPreprocessor.Apply(text, name => Environment.GetValueOrDefault(name));

    private static Akka.Configuration.Config Parse(string text) => ConfigurationFactory.ParseString(Apply(text));

    [Theory]
    [InlineData("a = ${?SET}")]
    [InlineData("a = ${SET}")]
    [InlineData("a = 1\na = ${?SET}")]
    [InlineData("a { b = 1 }\na = { b = 2 }\nx { a = ${? SET } }")]
    public void Should_substitute_a_set_environment_variable(string text)
    {
        var config = Parse(text);

        Assert.Equal("7", config.HasPath("x.a") ? config.GetString("x.a") : config.GetString("a"));
    }

    [Fact]
    public void Should_keep_special_characters_of_an_environment_value_literal()
    {
        var config = Parse("a { b = ${?TRICKY}, c = 2 }");

        Assert.Equal(Environment["TRICKY"], config.GetString("a.b"));
        Assert.Equal("2", config.GetString("a.c"));
    }

    [Theory]
    [InlineData("a { b = 1\n b = ${?UNSET}\n c = 2 }")]
    [InlineData("a { b = 1, b = ${?UNSET}, c = 2 }")]
    [InlineData("a { b = 1 }\na.b = ${?UNSET} # comment\na.c = 2")]
    [InlineData("a { b = 1, c = 2, d = ${?UNSET} }")]
    [InlineData("a { b = 1, c = 2, d.e.f = ${?UNSET}\n}")]
    public void Should_drop_a_field_whose_optional_variable_is_unset(string text)
    {
        var config = Parse(text);

        Assert.Equal("1", config.GetString("a.b"));
        Assert.Equal("2", config.GetString("a.c"));
        Assert.False(config.HasPath("a.d"));
    }

    [Fact]
    public void Should_drop_an_unset_optional_array_element() =>
        Assert.Equal(["1", "2"], Parse("a = [1, ${?UNSET}, 2]").GetStringList("a"));

    [Fact]
    public void Should_make_an_unset_optional_variable_empty_inside_a_concatenation() =>
        Assert.Equal("node x.js", Parse("a = \"node \"${?UNSET}\"x.js\"").GetString("a"));

    [Theory]
    [InlineData("a = \"${?UNSET}\"")]
    [InlineData("a = \"\"\"${?UNSET}\"\"\"")]
    [InlineData("# a = ${?UNSET}")]
    [InlineData("// a = ${?UNSET}")]
    public void Should_leave_substitutions_in_strings_and_comments_alone(string text) =>
        Assert.Equal(text, Apply(text));

    [Theory]
    [InlineData("x { a { b = 1 }, c = 2 }")]
    [InlineData("x { a { b = 1 } ,\n c = 2 }")]
    [InlineData("x { a = { b = 1 }, c = 2 }")]
    public void Should_accept_a_comma_after_an_object_value(string text)
    {
        var config = Parse(text);

        Assert.Equal("1", config.GetString("x.a.b"));
        Assert.Equal("2", config.GetString("x.c"));
    }

    [Fact]
    public void Should_leave_config_path_substitutions_to_akka() =>
        Assert.Equal("1", Parse("x.y = 1\na = ${x.y}").GetString("a"));

    [Theory]
    [InlineData("a { b = 1", "'{' is never closed (line 1, column 3)")]
    [InlineData("a { b = 1 }\n}", "unexpected '}' (line 2, column 1)")]
    [InlineData("a = [1, 2}", "unexpected '}' (line 1, column 10)")]
    [InlineData("a = \"open", "'\"' is never closed on its line (line 1, column 5)")]
    [InlineData("a = ${?X", "'${' is never closed (line 1, column 5)")]
    [InlineData("a = ${}", "empty substitution (line 1, column 5)")]
    [InlineData("include \"x.conf\"", "'include' is not supported (line 1, column 1)")]
    public void Should_reject_structure_akka_would_silently_accept(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => Apply(text));

        Assert.Equal(message, error.Message);
    }
}
