using System.Net.Sockets;

namespace Multiplexer.Actors.Workers;

/// <summary>
/// Whether a worker's port accepts TCP connections: once, or polled until it does, off the actor on
/// .NET timers, so readiness is seen within milliseconds.
/// </summary>
internal static class WorkerReadiness
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>True as soon as the port accepts; false once <paramref name="deadline"/> has passed without.</summary>
    public static async Task<bool> WaitUntilAcceptingAsync(string host, int port, DateTimeOffset deadline)
    {
        while (!await AcceptsConnectionAsync(host, port).ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(ProbeInterval).ConfigureAwait(false);
        }
        return true;
    }

    public static async Task<bool> AcceptsConnectionAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
