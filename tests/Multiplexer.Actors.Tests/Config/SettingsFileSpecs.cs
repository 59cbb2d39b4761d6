using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class SettingsFileSpecs : IDisposable
{
    private const string Minimal = "multiplexer.service.start-cmd = \"x\"";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_load_a_file_and_resolve_the_working_directory_against_it()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "app"));
        var file = _dir.Write("multiplexer.conf", Minimal + "\nmultiplexer.service.working-directory = app");

        var settings = SettingsLoader.Load(file);

        Assert.Equal(file, settings.SourcePath);
        Assert.Equal(Path.Combine(_dir.Path, "app"), settings.Service.WorkingDirectory);
    }

    [Fact]
    public void Should_report_a_missing_file_by_its_path()
    {
        var file = Path.Combine(_dir.Path, "missing.conf");

        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(file));

        Assert.Equal(file, error.Key);
        Assert.StartsWith($"{file}: cannot read config file (", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multiplexer { pool { size = 5 }")]
    [InlineData("multiplexer { pool { size = 5 } } }")]
    [InlineData("a b c = = =")]
    [InlineData("multiplexer.service.base-url = http://localhost")]
    [InlineData("multiplexer.service.start-cmd = \"unterminated")]
    [InlineData("include \"other.conf\"")]
    [InlineData("multiplexer.pool.size = ${nowhere.to.be.found}")]
    public void Should_report_a_syntax_error_on_one_line_naming_the_file(string hocon)
    {
        var file = _dir.Write("broken.conf", hocon);

        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(file));

        Assert.Equal(file, error.Key);
        Assert.StartsWith($"{file}: invalid HOCON: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
