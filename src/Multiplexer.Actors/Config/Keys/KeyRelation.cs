namespace Multiplexer.Actors.Config.Keys;

/// <summary>
/// A rule between keys, checked once every key is read, and only when none of them is wrong on its own.
/// </summary>
/// <param name="Key">The key the problem is reported on.</param>
/// <param name="Others">The other keys the rule reads.</param>
/// <param name="Problem">Null when the rule holds, else what follows "key: ".</param>
internal sealed record KeyRelation(SettingKey Key, IReadOnlyList<SettingKey> Others, Func<KeyValues, string?> Problem)
{
    public void Check(KeyValues values)
    {
        if (values.Has(Key) && !values.HasError(Key) && !Others.Any(values.HasError) && Problem(values) is { } problem)
        {
            values.Report(Key, problem);
        }
    }
}
