namespace Multiplexer.Actors.Config;

/// <summary>Which idle worker a checkout gets.</summary>
public enum PoolStrategy
{
    /// <summary>Least recently returned first: spreads load over all workers.</summary>
    Fifo,

    /// <summary>Most recently returned first: keeps a hot subset busy so surplus workers can retire.</summary>
    Lifo,
}
