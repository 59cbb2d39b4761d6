namespace Multiplexer.Host.Hosting;

/// <summary>The process's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A configuration that cannot be used, or a machine it cannot run on (too few free ports).</summary>
    public const int BadConfiguration = 2;
}
