namespace Multiplexer.EndToEnd.Tests.Scaling;

/// <summary>A row of HAProxy's stats: the health checks' verdict, and what HAProxy had to do to hide a node's failures.</summary>
/// <param name="Status">UP, DOWN, ...</param>
/// <param name="Retries">Connections retried on the same server (<c>wretr</c>).</param>
/// <param name="Redispatches">Requests sent to another server after failures (<c>wredis</c>).</param>
/// <param name="ConnectionErrors">Failed connections to a server (<c>econ</c>).</param>
/// <param name="ResponseErrors">Responses that broke off or never came (<c>eresp</c>).</param>
public sealed record HaProxyServerStats(string Status, long Retries, long Redispatches, long ConnectionErrors, long ResponseErrors);
