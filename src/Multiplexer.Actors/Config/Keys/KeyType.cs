using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>How values of one kind are read from HOCON text and written back.</summary>
/// <param name="Expected">What a valid value looks like, for errors: "expected a duration such as 30s".</param>
/// <param name="Parse">False when the text is not of this kind.</param>
/// <param name="Format">HOCON text that parses back to an equal value.</param>
internal sealed record KeyType<T>(string Expected, TryParseValue<T> Parse, Func<T, string> Format);
