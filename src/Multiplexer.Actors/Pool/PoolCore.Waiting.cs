using System.Globalization;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// pool.checkout-timeout, kept by the pool for the whole queue rather than by a timer per request: a
/// request that finds an idle worker costs no timer at all. At most one check is pending, due when the
/// longest-waiting request's time is up; when it comes it answers every request past its time with a 503
/// and looks ahead to the next.
/// </summary>
internal sealed partial class PoolCore
{
    private DateTimeOffset? _expiryCheckAt;

    /// <summary>The expiry check scheduled earlier is due: rejects every request that has waited checkout-timeout or longer.</summary>
    public IReadOnlyList<PoolDecision> ExpiryCheckDue()
    {
        _expiryCheckAt = null;
        var timeout = _settings.CheckoutTimeout;
        var message = string.Create(CultureInfo.InvariantCulture, $"no worker became free within checkout-timeout {timeout.TotalSeconds:0.###}s");
        foreach (var request in _waiting.TakeWaitingLongerThan(timeout, _clock))
        {
            Decide(new RejectCheckout(request.Reply, CheckoutRejection.TimedOut, message));
        }
        WatchWaitingRequests();
        return Decided();
    }

    /// <summary>Unless a check is pending already, schedules one for when the longest-waiting request's time is up.</summary>
    private void WatchWaitingRequests()
    {
        if (_expiryCheckAt is null && _waiting.LongestWaitingSince() is { } since)
        {
            var left = _settings.CheckoutTimeout - _clock.GetElapsedTime(since);
            _expiryCheckAt = Now + (left > TimeSpan.Zero ? left : TimeSpan.Zero);
            Decide(new ScheduleExpiryCheck(_expiryCheckAt));
        }
    }

    /// <summary>checkout-timeout may have changed with a reload; the requests already waiting are held to the new one.</summary>
    private void RewatchWaitingRequests()
    {
        if (_expiryCheckAt is not null)
        {
            _expiryCheckAt = null;
            Decide(new ScheduleExpiryCheck(null));
        }
        WatchWaitingRequests();
    }
}
