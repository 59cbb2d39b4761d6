using Multiplexer.Actors.Processes;
using Xunit;

namespace Multiplexer.Actors.Tests.Processes;

/// <summary>Which start commands the shell is told to exec, so the service keeps the shell's pid.</summary>
public sealed class ShellCommandSpecs
{
    [Theory]
    [InlineData("node index.js 10300", "exec node index.js 10300")]
    [InlineData("  python3 -u app.py", "  exec python3 -u app.py")]
    [InlineData("node \"/srv/my app/index.js\" 10300", "exec node \"/srv/my app/index.js\" 10300")]
    [InlineData("node -e 'a(); b()' 10300", "exec node -e 'a(); b()' 10300")]
    [InlineData("NODE_ENV=production PORT=1 node index.js", "NODE_ENV=production PORT=1 exec node index.js")]
    [InlineData("node index.js >>/var/log/app.log 2>&1", "exec node index.js >>/var/log/app.log 2>&1")]
    [InlineData("./start --port $PORT", "exec ./start --port $PORT")]
    public void Should_exec_a_simple_command(string command, string expected) =>
        Assert.Equal(expected, ShellCommand.ExecForm(command));

    [Theory]
    [InlineData("cd app && node index.js")]
    [InlineData("node index.js || exit 3")]
    [InlineData("node a.js; node b.js")]
    [InlineData("node index.js | tee log")]
    [InlineData("sleep 300 & node index.js")]
    [InlineData("(cd app; node index.js)")]
    [InlineData("node index.js $(cat port)")]
    [InlineData("node index.js\nnode other.js")]
    [InlineData("exec node index.js")]
    [InlineData("cd app")]
    [InlineData(". ./env.sh")]
    [InlineData("if true; then node index.js; fi")]
    [InlineData("FOO=1")]
    [InlineData("node 'unterminated")]
    [InlineData("")]
    public void Should_leave_anything_but_a_simple_command_as_written(string command) =>
        Assert.Equal(command, ShellCommand.ExecForm(command));
}
