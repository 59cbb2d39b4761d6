using System.Security.Cryptography;
using System.Text;

namespace Multiplexer.Actors.Processes;

/// <summary>
/// The mark a multiplexer puts in its workers' environment: derived from its configuration file, so a
/// restart of the same configuration finds the previous run's leftovers and no other instance's.
/// </summary>
public static class WorkerOwner
{
    /// <summary>Set in every worker's environment, and so inherited by all it starts.</summary>
    public const string Variable = "MULTIPLEXER_OWNER";

    public static string For(string configPath) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configPath.Length > 0 ? configPath : "inline")))[..16];

    /// <summary>The environment entry that marks a process as this owner's.</summary>
    public static string Mark(string owner) => $"{Variable}={owner}";
}
