namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>Locations inside the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string NodeWorker => Path.Combine(Root, "examples", "node", "index.js");

    public static string PythonWorker => Path.Combine(Root, "examples", "python", "worker.py");

    /// <summary>The multiplexer's entry assembly, copied beside the tests by the project reference.</summary>
    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "multiplexer.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Multiplexer.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Multiplexer.sln not found above " + AppContext.BaseDirectory);
    }
}
