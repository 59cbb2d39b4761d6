using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Multiplexer.Actors.Pool;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// The catch-all endpoint: receive the request body, check out a worker (waiting at most
/// checkout-timeout), forward to it, check it back in the moment it has written its response, then let
/// the client take the rest of the response at its own pace.
/// </summary>
internal sealed class ProxyEndpoint
{
    private readonly IActorRef _pool;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _invoker;
    private readonly LiveSettings _settings;
    private volatile ProxyOptions _options;
    private readonly string[] _prefixes;
    private readonly int _firstPort;
    private readonly ILogger _log;
    private readonly ProxyMetrics _metrics;

    public ProxyEndpoint(IRequiredActor<PoolActor> pool, IHttpForwarder forwarder, HttpMessageInvoker invoker, LiveSettings settings,
        ProxyMetrics metrics, ILoggerFactory loggers)
    {
        _pool = pool.ActorRef;
        _metrics = metrics;
        _forwarder = forwarder;
        _invoker = invoker;
        _settings = settings;
        _options = new ProxyOptions(settings.Current);
        // The port range and base URL change only with a restart.
        var service = settings.Started.Service;
        var range = service.PortRange;
        var origin = $"{service.BaseUrl.Scheme}://{service.BaseUrl.Authority}";
        _firstPort = range.First;
        _prefixes = Enumerable.Range(range.First, range.Count).Select(port => $"{origin}:{port}").ToArray();
        _log = loggers.CreateLogger("Multiplexer.Access");
    }

    public async Task HandleAsync(HttpContext context)
    {
        var options = CurrentOptions();
        var start = Stopwatch.GetTimestamp();
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var target = RequestScreen.Printable(rawTarget);

        if (RequestScreen.Malformed(request, rawTarget) is { } malformed)
        {
            await RefuseAsync(context, malformed.Status, malformed.Reason);
            NotServed(context, target, start, malformed.Reason, rejection: null);
            return;
        }

        if (options.Http.RequestBuffering && !IsUpgrade(request) && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            var failure = await BufferRequestBodyAsync(context, options.Http.BufferMemory);
            if (failure is not null)
            {
                NotServed(context, target, start, failure, rejection: null);
                return;
            }
        }

        var checkoutStart = Stopwatch.GetTimestamp();
        var (lease, reason, rejection) = await CheckoutAsync(context, target);
        if (lease is null)
        {
            NotServed(context, target, start, reason!, rejection);
            return;
        }

        var checkedOut = Stopwatch.GetTimestamp();
        var spool = options.Http.ResponseBuffering && !IsUpgrade(request) ? ResponseSpool.Install(context, options.Http.BufferMemory) : null;
        var error = await ForwardAsync(context, lease, options.RequestConfig);
        if (error == ForwarderError.Request && CanRedispatch(context))
        {
            // The worker refused the connection (it had just died): nothing was sent, so another worker
            // may take the request instead of the client getting a 502, as HAProxy's option redispatch does.
            LogForwardFailed(context, target, lease, error);
            context.Response.Clear();
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }
            (lease, reason, rejection) = await CheckoutAsync(context, target);
            if (lease is null)
            {
                NotServed(context, target, start, reason!, rejection);
                return;
            }
            error = await ForwardAsync(context, lease, options.RequestConfig);
        }
        var checkedIn = Stopwatch.GetTimestamp();

        if (Outcome(context, error) != CheckinOutcome.Completed)
        {
            LogForwardFailed(context, target, lease, error);
        }
        if (spool is not null)
        {
            await spool.SendRestAsync();
        }

        _metrics.RequestServed(context.Response.StatusCode, Stopwatch.GetElapsedTime(checkoutStart, checkedOut), Stopwatch.GetElapsedTime(checkedOut, checkedIn));
        if (_log.IsEnabled(LogLevel.Information))
        {
            var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var worker = Stopwatch.GetElapsedTime(checkedOut, checkedIn).TotalMilliseconds;
            var queue = Stopwatch.GetElapsedTime(start, checkedOut).TotalMilliseconds;
            AccessLog.Served(_log, request.Method, target, context.Response.StatusCode, lease.WorkerId, total, worker, queue, total - worker);
        }
    }

    /// <summary>Forwards to the leased worker and checks it back in the moment the forwarder is done with it.</summary>
    private async Task<ForwarderError> ForwardAsync(HttpContext context, WorkerLease lease, ForwarderRequestConfig requestConfig)
    {
        var error = ForwarderError.None;
        var sent = Stopwatch.GetTimestamp();
        try
        {
            error = await _forwarder.SendAsync(context, _prefixes[lease.Port - _firstPort], _invoker, requestConfig, TransparentTransformer.Instance);
        }
        finally
        {
            _pool.Tell(new Checkin(lease, Outcome(context, error), context.Response.StatusCode, Stopwatch.GetElapsedTime(sent)));
        }
        return error;
    }

    /// <summary>Only a request whose connection was never established, and whose body can be sent again.</summary>
    private static bool CanRedispatch(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>()?.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && (context.Request.Body.CanSeek || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true);

    private void LogForwardFailed(HttpContext context, string target, WorkerLease lease, ForwarderError error)
    {
        if (_log.IsEnabled(LogLevel.Warning))
        {
            var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            AccessLog.ForwardFailed(_log, context.Request.Method, target, lease.WorkerId, lease.Port, error.ToString(), exception?.Message);
        }
    }

    private void NotServed(HttpContext context, string target, long start, string reason, string? rejection)
    {
        _metrics.RequestNotServed(context.Response.StatusCode, rejection);
        if (_log.IsEnabled(LogLevel.Information))
        {
            var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            AccessLog.NotServed(_log, context.Request.Method, target, context.Response.StatusCode, total, reason);
        }
    }

    /// <summary>Receives the whole body before a worker is taken, so a slow upload never holds one. Returns why it failed, if it did.</summary>
    private static async Task<string?> BufferRequestBodyAsync(HttpContext context, int bufferMemory)
    {
        context.Request.EnableBuffering(bufferMemory, long.MaxValue);
        try
        {
            await context.Request.Body.DrainAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            return null;
        }
        catch (BadHttpRequestException ex)
        {
            context.Response.StatusCode = ex.StatusCode;
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499;
            return "client went away while sending the body";
        }
        catch (IOException ex)
        {
            // Kestrel reports some malformed bodies as a plain IOException, such as a chunk size that overflows.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return $"malformed request body: {ex.Message}";
        }
    }

    /// <summary>Refuses a request the proxy will not forward, and closes the connection: what follows on it cannot be trusted.</summary>
    private static Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Connection = "close";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"{status} {ReasonPhrases.GetReasonPhrase(status)}: {reason}\n");
    }

    /// <summary>
    /// Asks the pool for a worker. The pool answers when one is free, or with a rejection (checkout-timeout
    /// included: the pool keeps it, so a request served at once costs no timer).
    /// </summary>
    /// <returns>The lease, or why there is none and, for a 503, the rejection's metric label.</returns>
    private async Task<(WorkerLease? Lease, string? Reason, string? Rejection)> CheckoutAsync(HttpContext context, string target)
    {
        var reply = new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Cancelling the reply is what makes a late lease go back to the pool: its TrySetResult then fails.
        await using var registration = context.RequestAborted.Register(static state => ((TaskCompletionSource<WorkerLease>)state!).TrySetCanceled(), reply);
        _pool.Tell(new Checkout(reply, context.Request.Method, target));
        try
        {
            return (await reply.Task, null, null);
        }
        catch (CheckoutRejectedException ex)
        {
            await RejectAsync(context, ex.Message);
            return (null, ex.Message, ex.Reason switch
            {
                CheckoutRejection.QueueFull => "queue_full",
                CheckoutRejection.ServiceFailing => "service_failing",
                CheckoutRejection.TimedOut => "checkout_timeout",
                _ => "shutting_down",
            });
        }
        catch (OperationCanceledException)
        {
            context.Response.StatusCode = 499;
            return (null, "client went away while waiting for a worker", null);
        }
    }

    private static Task RejectAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"503 Service Unavailable: {reason}\n");
    }

    private static CheckinOutcome Outcome(HttpContext context, ForwarderError error) =>
        ForwardOutcome.Of(error, context.RequestAborted.IsCancellationRequested);

    /// <summary>The options of the configuration in force; requests under way keep the ones they started with.</summary>
    private ProxyOptions CurrentOptions()
    {
        var settings = _settings.Current;
        var options = _options;
        return ReferenceEquals(options.Source, settings) ? options : _options = new ProxyOptions(settings);
    }

    private static bool IsUpgrade(HttpRequest request) => request.HttpContext.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
}
