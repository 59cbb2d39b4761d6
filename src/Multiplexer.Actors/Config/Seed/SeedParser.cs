using static Multiplexer.Actors.Config.Seed.SeedSyntaxException;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Reads the statements of a seed <c>config.exs</c>: <c>import Config</c> (or <c>use Mix.Config</c>)
/// and <c>config :app, key: value, ...</c>, whose keyword list may span lines and end with a comma.
/// Each value is read and evaluated by <see cref="SeedExpressionParser"/>.
/// </summary>
internal sealed class SeedParser
{
    private readonly SeedTokenStream _tokens;
    private readonly SeedExpressionParser _expressions;

    private SeedParser(SeedTokenStream tokens)
    {
        _tokens = tokens;
        _expressions = new SeedExpressionParser(tokens);
    }

    /// <exception cref="SeedSyntaxException">The text is not in the supported subset.</exception>
    public static List<SeedStatement> Parse(string text) => new SeedParser(new SeedTokenStream(SeedLexer.Tokenize(text))).ParseFile();

    private List<SeedStatement> ParseFile()
    {
        var statements = new List<SeedStatement>();
        while (_tokens.Peek.Kind != SeedTokenKind.End)
        {
            var token = _tokens.Next();
            if (token.IsWord("import"))
            {
                ExpectModule(token, "Config");
            }
            else if (token.IsWord("use"))
            {
                ExpectModule(token, "Mix.Config");
            }
            else if (token.IsWord("config"))
            {
                statements.Add(ParseConfig(token));
            }
            else if (token.IsWord("import_config"))
            {
                throw At(token, "import_config is not supported; put every setting in this file");
            }
            else
            {
                throw At(token, $"expected 'import Config' or 'config :multiplexer, key: value, ...', found {token.Describe()}");
            }
        }

        return statements;
    }

    private void ExpectModule(SeedToken keyword, string expected)
    {
        var at = _tokens.Peek;
        var name = _tokens.Peek.Kind == SeedTokenKind.Alias ? _expressions.ModuleName(_tokens.Next()) : _tokens.Next().Describe();
        if (name != expected)
        {
            throw At(at, $"expected '{keyword.Text} {expected}', found '{keyword.Text} {name}'");
        }
    }

    private SeedStatement ParseConfig(SeedToken config)
    {
        var parenthesised = _tokens.Accept("(");
        var app = _tokens.Next();
        if (app.Kind != SeedTokenKind.Atom)
        {
            throw At(app, $"expected an application such as :multiplexer after 'config', found {app.Describe()}");
        }

        _tokens.Expect(",", $"after 'config :{app.Text}'");
        string? subkey = null;
        if (_tokens.Peek.Kind is SeedTokenKind.Atom or SeedTokenKind.Alias)
        {
            subkey = _tokens.Peek.Kind == SeedTokenKind.Atom ? _tokens.Next().Describe() : _expressions.ModuleName(_tokens.Next());
            _tokens.Expect(",", $"after 'config :{app.Text}, {subkey}'");
        }

        List<SeedEntry> entries;
        if (_tokens.Accept("["))
        {
            entries = ParseKeywordList(bracketed: true);
            _tokens.Expect("]", "to close the keyword list");
        }
        else
        {
            entries = ParseKeywordList(bracketed: false);
        }

        if (parenthesised)
        {
            _tokens.Expect(")", "to close 'config('");
        }

        return new SeedStatement(app.Text, subkey, config.Line, entries);
    }

    private List<SeedEntry> ParseKeywordList(bool bracketed)
    {
        var entries = new List<SeedEntry>();
        while (_tokens.Peek.Kind == SeedTokenKind.KeywordKey)
        {
            var key = _tokens.Next();
            if (_tokens.Peek.IsSymbol(",") || _tokens.Peek.Kind is SeedTokenKind.End or SeedTokenKind.KeywordKey)
            {
                throw At(_tokens.Peek, $"expected a value after '{key.Text}:', found {_tokens.Peek.Describe()}");
            }

            entries.Add(new SeedEntry(key.Text, key.Line, _expressions.Expression()));
            if (_tokens.Peek.Kind == SeedTokenKind.KeywordKey)
            {
                throw At(_tokens.Peek, $"expected ',' before {_tokens.Peek.Describe()}");
            }

            if (!_tokens.Accept(","))
            {
                break;
            }
        }

        if (entries.Count == 0 && !bracketed)
        {
            throw At(_tokens.Peek, $"expected 'key: value', found {_tokens.Peek.Describe()}");
        }

        return entries;
    }
}
