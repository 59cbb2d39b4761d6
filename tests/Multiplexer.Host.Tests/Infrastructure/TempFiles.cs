using System.Runtime.CompilerServices;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>
/// Where the temporary files of spooled responses go during these specs: a directory of this run's own,
/// so that a spec can see a file come and go. The specs that look at it share <see cref="Collection"/>,
/// so that none sees another's file; the directory is set before any spec runs, hence a module initializer.
/// </summary>
internal static class TempFiles
{
    public const string Collection = "Temporary files";

    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"multiplexer-host-tests-{Environment.ProcessId}");

    public static IReadOnlyList<string> Responses => System.IO.Directory.GetFiles(Directory, "multiplexer-response-*");

#pragma warning disable CA2255 // a test assembly's own setting, needed before any spec touches a response's file
    [ModuleInitializer]
#pragma warning restore CA2255
    public static void UseOwnDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
