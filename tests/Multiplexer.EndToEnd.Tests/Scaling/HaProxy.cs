using System.Diagnostics;
using System.Text;
using Multiplexer.EndToEnd.Tests.Infrastructure;

namespace Multiplexer.EndToEnd.Tests.Scaling;

/// <summary>
/// Debian's HAProxy in the foreground on loopback, balancing over multiplexer nodes with an HTTP health
/// check on each node's admin <c>/healthz</c>. Disposing it kills it.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/haproxy";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private HaProxy(Process process, string directory, int port, int statsPort)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        StatsAddress = new Uri($"http://127.0.0.1:{statsPort}/stats;csv");
    }

    public static bool Available => File.Exists(Executable);

    public bool HasExited => _process.HasExited;

    public Uri BaseAddress { get; }

    public Uri StatsAddress { get; }

    /// <summary>What HAProxy wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="nodes">Each node's name, public port and admin port.</param>
    public static HaProxy Start(IReadOnlyList<(string Name, int Port, int AdminPort)> nodes)
    {
        var port = HostConfig.FreePort();
        var statsPort = HostConfig.FreePort();
        var directory = Directory.CreateTempSubdirectory("multiplexer-haproxy-").FullName;
        var configPath = Path.Combine(directory, "haproxy.cfg");
        File.WriteAllText(configPath, Config(port, statsPort, nodes));
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-db", "-f", configPath })
        {
            info.ArgumentList.Add(argument);
        }
        var haproxy = new HaProxy(Process.Start(info)!, directory, port, statsPort);
        haproxy._process.OutputDataReceived += (_, e) => haproxy.Append(e.Data);
        haproxy._process.ErrorDataReceived += (_, e) => haproxy.Append(e.Data);
        haproxy._process.BeginOutputReadLine();
        haproxy._process.BeginErrorReadLine();
        return haproxy;
    }

    /// <summary>The backend's servers and its total (<c>BACKEND</c>), from HAProxy's stats CSV.</summary>
    public async Task<IReadOnlyDictionary<string, HaProxyServerStats>> StatsAsync(HttpClient client)
    {
        var lines = (await client.GetStringAsync(StatsAddress)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var columns = lines[0].TrimStart('#', ' ').Split(',').Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        var stats = new Dictionary<string, HaProxyServerStats>();
        foreach (var fields in lines.Skip(1).Select(l => l.Split(',')).Where(f => f[columns["pxname"]] == "nodes"))
        {
            long Count(string column) => long.TryParse(fields[columns[column]], out var n) ? n : 0;
            stats[fields[columns["svname"]]] = new HaProxyServerStats(fields[columns["status"]], Count("wretr"), Count("wredis"), Count("econ"), Count("eresp"));
        }
        return stats;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // Short checks so that a stopping node is out within a check interval; a connection that fails is
    // retried, on another node at the last retry (redispatch).
    private static string Config(int port, int statsPort, IReadOnlyList<(string Name, int Port, int AdminPort)> nodes)
    {
        var config = new StringBuilder($"""
            global
                maxconn 1024
            defaults
                mode http
                timeout connect 1s
                timeout client 30s
                timeout server 30s
                timeout check 1s
                retries 3
                option redispatch
            frontend load
                bind 127.0.0.1:{port}
                default_backend nodes
            frontend stats
                bind 127.0.0.1:{statsPort}
                stats enable
                stats uri /stats
            backend nodes
                balance roundrobin
                option httpchk GET /healthz
                http-response set-header x-served-by %s

            """);
        foreach (var (name, nodePort, adminPort) in nodes)
        {
            config.AppendLine($"    server {name} 127.0.0.1:{nodePort} check port {adminPort} inter 200ms fall 1 rise 2");
        }
        return config.ToString();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
