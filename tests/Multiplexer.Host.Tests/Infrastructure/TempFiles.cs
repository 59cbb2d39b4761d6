using System.Runtime.CompilerServices;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>
/// Where ASP.NET Core puts the temporary files of buffered bodies during these specs: a directory of this
/// run's own, so that a spec can see a buffer's file come and go. ASP.NET Core reads ASPNETCORE_TEMP once
/// per process, hence a module initializer, before any spec runs.
/// </summary>
internal static class TempFiles
{
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"multiplexer-host-tests-{Environment.ProcessId}");

    public static IReadOnlyList<string> Buffers => System.IO.Directory.GetFiles(Directory, "ASPNETCORE_*");

#pragma warning disable CA2255 // a test assembly's own setting, needed before any spec touches a buffer
    [ModuleInitializer]
#pragma warning restore CA2255
    public static void UseOwnDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
