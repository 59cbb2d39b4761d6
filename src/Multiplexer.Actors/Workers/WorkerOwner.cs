using System.Security.Cryptography;
using System.Text;

namespace Multiplexer.Actors.Workers;

/// <summary>
/// The mark a multiplexer puts in its workers' environment: derived from its configuration file, so a
/// restart of the same configuration finds the previous run's leftovers and no other instance's.
/// </summary>
public static class WorkerOwner
{
    public static string For(string configPath) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configPath.Length > 0 ? configPath : "inline")))[..16];
}
