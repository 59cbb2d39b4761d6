using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class SettingsEnvironmentSpecs : IDisposable
{
    private const string Minimal = "multiplexer.service.start-cmd = \"x\"";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_let_an_environment_variable_override_a_value()
    {
        var name = "MULTIPLEXER_TEST_POOL_SIZE_" + Guid.NewGuid().ToString("N");
        var hocon = $$"""
            {{Minimal}}
            multiplexer.pool {
              size = 3
              size = ${?{{name}}}
              max-overflow = 1
            }
            """;
        Environment.SetEnvironmentVariable(name, "7");
        try
        {
            var settings = SettingsLoader.Parse(hocon, _dir.Path);

            Assert.Equal(7, settings.Pool.Size);
            Assert.Equal(1, settings.Pool.MaxOverflow);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Should_keep_the_file_value_when_an_optional_environment_variable_is_unset()
    {
        var name = "MULTIPLEXER_TEST_POOL_SIZE_" + Guid.NewGuid().ToString("N");
        var hocon = $$"""
            {{Minimal}}
            multiplexer.pool {
              size = 3
              size = ${?{{name}}}
              max-overflow = 1
            }
            """;

        var settings = SettingsLoader.Parse(hocon, _dir.Path);

        Assert.Equal(3, settings.Pool.Size);
        Assert.Equal(1, settings.Pool.MaxOverflow);
    }

    [Fact]
    public void Should_name_the_key_when_an_environment_variable_holds_a_bad_value()
    {
        var name = "MULTIPLEXER_TEST_POOL_SIZE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "lots");
        try
        {
            var error = Assert.Throws<SettingsException>(
                () => SettingsLoader.Parse($"{Minimal}\nmultiplexer.pool.size = ${{?{name}}}", _dir.Path));

            Assert.Equal("multiplexer.pool.size: expected an integer, got 'lots'", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Should_take_the_admin_token_from_an_environment_variable_and_none_when_it_is_unset()
    {
        var name = "MULTIPLEXER_TEST_ADMIN_TOKEN_" + Guid.NewGuid().ToString("N");
        var hocon = $"{Minimal}\nmultiplexer.admin.token = ${{?{name}}}";
        var unset = SettingsLoader.Parse(hocon, _dir.Path);
        Environment.SetEnvironmentVariable(name, "from-the-environment");
        try
        {
            var set = SettingsLoader.Parse(hocon, _dir.Path);

            Assert.Equal("", unset.Admin.Token);
            Assert.Equal("from-the-environment", set.Admin.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
