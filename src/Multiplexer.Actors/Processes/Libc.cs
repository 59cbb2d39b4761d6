using System.Runtime.InteropServices;

namespace Multiplexer.Actors.Processes;

/// <summary>The one libc call .NET has no managed API for: sending a signal to a process group.</summary>
internal static partial class Libc
{
    public const int SIGTERM = 15;
    public const int SIGKILL = 9;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    /// <summary>Signals every process in the group led by <paramref name="pgid"/>; false when none is left.</summary>
    public static bool KillGroup(int pgid, int signal) => pgid > 1 && kill(-pgid, signal) == 0;

    public static bool Kill(int pid, int signal) => pid > 1 && kill(pid, signal) == 0;
}
