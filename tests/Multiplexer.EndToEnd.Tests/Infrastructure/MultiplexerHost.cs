using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real multiplexer process on loopback with real workers, started from a generated config. Its log
/// lines are collected so tests can await events (a worker ready, a retirement) instead of sleeping.
/// Disposing it kills the host and every process tagged with this run, passing or failing.
/// </summary>
public sealed partial class MultiplexerHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Lock _gate = new();
    private Task _output = Task.CompletedTask;

    private MultiplexerHost(Process process, string directory, string tag, string configPath)
    {
        _process = process;
        _directory = directory;
        Tag = tag;
        ConfigPath = configPath;
    }

    /// <summary>The config file the multiplexer was started with; rewrite it and signal SIGHUP to reload.</summary>
    public string ConfigPath { get; }

    public string Tag { get; }

    public int Pid => _process.Id;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public static Task<MultiplexerHost> StartAsync(HostConfig config, bool waitForWorkers = true, string? directory = null) =>
        StartAsync(Launch(config.ToHocon(), directory: directory), waitForWorkers ? config.Size : 0);

    /// <summary>Waits until a launched multiplexer listens and <paramref name="workers"/> workers are ready.</summary>
    public static async Task<MultiplexerHost> StartAsync(MultiplexerHost host, int workers)
    {
        try
        {
            var listening = await host.WaitForLogAsync(l => l.Contains("Now listening on:", StringComparison.Ordinal), StartTimeout);
            // A host listening on every interface (0.0.0.0) is reached on loopback.
            host.BaseAddress = new Uri(ListeningUrl().Match(listening).Value.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal));
            host.Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
            if (workers > 0)
            {
                await host.WaitForReadyWorkersAsync(workers);
            }
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the multiplexer on a config text without waiting for anything.</summary>
    /// <param name="fileName">What to call the config file, in a fresh directory; a <c>.exs</c> is read as a seed config.</param>
    /// <param name="command">A command to put before the config path, such as "run"; none by default.</param>
    /// <param name="directory">Where to write the config file; a fresh temporary directory by default.</param>
    /// <param name="wrapper">A program to start the multiplexer through, such as "nohup"; none by default.</param>
    public static MultiplexerHost Launch(string config, string fileName = "multiplexer.hocon", string? command = null, string? directory = null, string? wrapper = null)
    {
        var tag = Guid.NewGuid().ToString("N");
        directory ??= Directory.CreateTempSubdirectory("multiplexer-test-").FullName;
        var configPath = Path.Combine(directory, fileName);
        File.WriteAllText(configPath, config);
        var info = new ProcessStartInfo(wrapper ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        if (wrapper is not null)
        {
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(Repository.HostAssembly);
        if (command is not null)
        {
            info.ArgumentList.Add(command);
        }
        info.ArgumentList.Add(configPath);
        info.Environment[ProcessTable.TagVariable] = tag;
        var process = Process.Start(info)!;
        var host = new MultiplexerHost(process, directory, tag, configPath);
        host._output = Task.WhenAll(host.PumpAsync(process.StandardOutput), host.PumpAsync(process.StandardError));
        return host;
    }

    /// <summary>Waits for the first log line, past or future, that matches.</summary>
    public Task<string> WaitForLogAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _lines.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }
            _waiters.Add((match, found));
        }
        return found.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsFaulted
            ? throw new TimeoutException($"no log line matched within {timeout ?? TimeSpan.FromSeconds(30)}; {LogExcerpt()}")
            : t.Result, TaskScheduler.Default);
    }

    /// <summary>The end of the log, with lifecycle lines a flood of access lines would have pushed out.</summary>
    private string LogExcerpt()
    {
        var lines = Lines;
        var other = lines.Where(l => !l.Contains("Multiplexer.Access", StringComparison.Ordinal)).TakeLast(30);
        var state = _process.HasExited ? $"the multiplexer exited with {_process.ExitCode}" : "the multiplexer is running";
        return $"{state}; log without access lines (last 30):\n{string.Join('\n', other)}\nlast 10 lines:\n{string.Join('\n', lines.TakeLast(10))}";
    }

    /// <summary>Waits until <paramref name="count"/> lines have matched in total, counting past lines too.</summary>
    public Task WaitForLogCountAsync(Func<string, bool> match, int count, TimeSpan? timeout = null)
    {
        var seen = 0;
        return WaitForLogAsync(line => match(line) && ++seen >= count, timeout);
    }

    public Task WaitForReadyWorkersAsync(int count) =>
        WaitForLogCountAsync(l => WorkerReady().IsMatch(l), count, StartTimeout);

    /// <summary>Pids of every live process of this run except the multiplexer itself: worker shells, services and their children.</summary>
    public IReadOnlyList<int> WorkerProcesses() => ProcessTable.Tagged(Tag).Where(pid => pid != Pid).ToList();

    /// <summary>Sends a signal and waits for the multiplexer to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(int signal = 15, TimeSpan? timeout = null)
    {
        ProcessTable.Signal(Pid, signal);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        await OutputReadAsync();
        return _process.ExitCode;
    }

    /// <summary>Waits for the multiplexer to exit and for its last output lines to be read; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        await OutputReadAsync();
        return _process.ExitCode;
    }

    /// <summary>
    /// The process has exited, but its last lines may still be in the pipe: read to its end, bounded in
    /// case a leftover child still holds the pipe open.
    /// </summary>
    private async Task OutputReadAsync()
    {
        try
        {
            await _output.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        ProcessTable.KillAll(Tag);
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            List<TaskCompletionSource<string>> matched = [];
            lock (_gate)
            {
                _lines.Add(line);
                _waiters.RemoveAll(w =>
                {
                    if (!w.Match(line))
                    {
                        return false;
                    }
                    matched.Add(w.Found);
                    return true;
                });
            }
            matched.ForEach(m => m.TrySetResult(line));
        }
    }

    [GeneratedRegex(@"https?://[0-9.:\[\]]+")]
    private static partial Regex ListeningUrl();

    [GeneratedRegex(@"Worker \d+ ready")]
    private static partial Regex WorkerReady();
}
