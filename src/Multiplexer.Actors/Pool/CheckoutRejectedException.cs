namespace Multiplexer.Actors.Pool;

public enum CheckoutRejection
{
    /// <summary>max-waiting requests are already waiting.</summary>
    QueueFull,

    /// <summary>The pool is stopping.</summary>
    ShuttingDown,

    /// <summary>Workers keep dying before they are ready: waiting would not help.</summary>
    ServiceFailing,

    /// <summary>No worker became free within checkout-timeout.</summary>
    TimedOut,
}

/// <summary>The pool refused a checkout, at once or once it had waited checkout-timeout.</summary>
public sealed class CheckoutRejectedException(CheckoutRejection reason, string message) : Exception(message)
{
    public CheckoutRejection Reason { get; } = reason;
}
