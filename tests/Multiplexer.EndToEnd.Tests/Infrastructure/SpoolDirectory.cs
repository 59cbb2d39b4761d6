using System.Collections.Concurrent;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fresh directory given to the multiplexer as its temporary directory (TMPDIR), watched from the start
/// for anything made in it. The runtime's diagnostic pipes, which it would otherwise make there, are
/// turned off, so the directory only ever holds the files that bodies spill to.
/// </summary>
public sealed class SpoolDirectory : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentQueue<string> _made = new();

    public SpoolDirectory()
    {
        Path = Directory.CreateTempSubdirectory("multiplexer-temp-").FullName;
        _watcher = new FileSystemWatcher(Path);
        _watcher.Created += (_, e) => _made.Enqueue(e.Name ?? "?");
        _watcher.EnableRaisingEvents = true;
    }

    public string Path { get; }

    /// <summary>The environment to start the multiplexer with.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TMPDIR"] = Path,
        ["DOTNET_EnableDiagnostics"] = "0",
    };

    /// <summary>The names of the files made in the directory so far, even those already deleted again.</summary>
    public IReadOnlyList<string> Made => [.. _made];

    /// <summary>The names of the files in the directory now.</summary>
    public IReadOnlyList<string> Files() => Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).ToList()!;

    public void Dispose()
    {
        _watcher.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}
