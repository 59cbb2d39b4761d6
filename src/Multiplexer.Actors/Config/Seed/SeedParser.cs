namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Reads the statements of a seed <c>config.exs</c>: <c>import Config</c> (or <c>use Mix.Config</c>)
/// and <c>config :app, key: value, ...</c>, whose keyword list may span lines and end with a comma.
/// Values are evaluated as they are read: integers and their arithmetic (<c>* + -</c>, unary minus,
/// parentheses), ranges <c>a..b</c>, double-quoted strings, atoms, booleans, <c>nil</c>, and, for other
/// applications' settings that are only skipped, lists, tuples, module names and calls.
/// </summary>
internal sealed class SeedParser
{
    private readonly List<SeedToken> _tokens;
    private int _at;

    private SeedParser(List<SeedToken> tokens)
    {
        _tokens = tokens;
    }

    private SeedToken Peek => _tokens[_at];

    /// <exception cref="SeedSyntaxException">The text is not in the supported subset.</exception>
    public static List<SeedStatement> Parse(string text) => new SeedParser(SeedLexer.Tokenize(text)).ParseFile();

    private List<SeedStatement> ParseFile()
    {
        var statements = new List<SeedStatement>();
        while (Peek.Kind != SeedTokenKind.End)
        {
            var token = Next();
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
        var at = Peek;
        var name = Peek.Kind == SeedTokenKind.Alias ? ParseModuleName() : Next().Describe();
        if (name != expected)
        {
            throw At(at, $"expected '{keyword.Text} {expected}', found '{keyword.Text} {name}'");
        }
    }

    private SeedStatement ParseConfig(SeedToken config)
    {
        var parenthesised = Accept("(");
        var app = Next();
        if (app.Kind != SeedTokenKind.Atom)
        {
            throw At(app, $"expected an application such as :multiplexer after 'config', found {app.Describe()}");
        }

        Expect(",", $"after 'config :{app.Text}'");
        string? subkey = null;
        if (Peek.Kind is SeedTokenKind.Atom or SeedTokenKind.Alias)
        {
            subkey = Peek.Kind == SeedTokenKind.Atom ? Next().Describe() : ParseModuleName();
            Expect(",", $"after 'config :{app.Text}, {subkey}'");
        }

        List<SeedEntry> entries;
        if (Accept("["))
        {
            entries = ParseKeywordList(bracketed: true);
            Expect("]", "to close the keyword list");
        }
        else
        {
            entries = ParseKeywordList(bracketed: false);
        }

        if (parenthesised)
        {
            Expect(")", "to close 'config('");
        }

        return new SeedStatement(app.Text, subkey, config.Line, entries);
    }

    private List<SeedEntry> ParseKeywordList(bool bracketed)
    {
        var entries = new List<SeedEntry>();
        while (Peek.Kind == SeedTokenKind.KeywordKey)
        {
            var key = Next();
            if (Peek.IsSymbol(",") || Peek.Kind is SeedTokenKind.End or SeedTokenKind.KeywordKey)
            {
                throw At(Peek, $"expected a value after '{key.Text}:', found {Peek.Describe()}");
            }

            entries.Add(new SeedEntry(key.Text, key.Line, ParseExpression()));
            if (Peek.Kind == SeedTokenKind.KeywordKey)
            {
                throw At(Peek, $"expected ',' before {Peek.Describe()}");
            }

            if (!Accept(","))
            {
                break;
            }
        }

        if (entries.Count == 0 && !bracketed)
        {
            throw At(Peek, $"expected 'key: value', found {Peek.Describe()}");
        }

        return entries;
    }

    private SeedValue ParseExpression()
    {
        var first = ParseAdditive();
        if (!Peek.IsSymbol(".."))
        {
            return first;
        }

        var dots = Next();
        var last = ParseAdditive();
        if (Peek.IsSymbol("//"))
        {
            throw At(Peek, "ranges with a step (a..b//step) are not supported");
        }

        if (first.Kind != SeedValueKind.Integer || last.Kind != SeedValueKind.Integer)
        {
            throw At(dots, $"a range needs integers, got {first.Describe()}..{last.Describe()}");
        }

        return new SeedValue(SeedValueKind.Range, first.Line, Integer: first.Integer, Last: last.Integer);
    }

    private SeedValue ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek.IsSymbol("+") || Peek.IsSymbol("-"))
        {
            var op = Next();
            var right = ParseMultiplicative();
            left = Arithmetic(op, left, right, (a, b) => op.Text == "+" ? checked(a + b) : checked(a - b));
        }

        return left;
    }

    private SeedValue ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            if (Peek.IsSymbol("/"))
            {
                throw At(Peek, "division with '/' is not supported (in Elixir it gives a float); write an integer");
            }

            if (!Peek.IsSymbol("*"))
            {
                return left;
            }

            var op = Next();
            var right = ParseUnary();
            left = Arithmetic(op, left, right, (a, b) => checked(a * b));
        }
    }

    private SeedValue ParseUnary()
    {
        if (!Peek.IsSymbol("-") && !Peek.IsSymbol("+"))
        {
            return ParsePrimary();
        }

        var op = Next();
        var operand = ParseUnary();
        if (operand.Kind != SeedValueKind.Integer)
        {
            throw At(op, $"'{op.Text}' needs an integer, got {operand.Describe()}");
        }

        return operand with { Integer = op.Text == "-" ? -operand.Integer : operand.Integer, Line = op.Line };
    }

    private SeedValue ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case SeedTokenKind.Integer:
                return new SeedValue(SeedValueKind.Integer, token.Line, Integer: token.Integer);
            case SeedTokenKind.String:
                return new SeedValue(SeedValueKind.String, token.Line, Text: token.Text);
            case SeedTokenKind.Atom:
                return new SeedValue(SeedValueKind.Atom, token.Line, Text: token.Text);
            case SeedTokenKind.Identifier when token.Text is "true" or "false":
                return new SeedValue(SeedValueKind.Boolean, token.Line, Text: token.Text);
            case SeedTokenKind.Identifier when token.Text == "nil":
                return new SeedValue(SeedValueKind.Nil, token.Line);
            case SeedTokenKind.Identifier when Peek.IsSymbol("("):
                return ParseCall(token, token.Text);
            case SeedTokenKind.Identifier:
                throw At(token, $"'{token.Text}' is not a literal value; only integers, strings, atoms, booleans and ranges are supported");
            case SeedTokenKind.Alias:
                _at--;
                var module = ParseModuleName();
                if (Peek.IsSymbol(".") && _tokens[_at + 1].Kind == SeedTokenKind.Identifier)
                {
                    Next();
                    return ParseCall(token, $"{module}.{Next().Text}");
                }

                return new SeedValue(SeedValueKind.Module, token.Line, Text: module);
            case SeedTokenKind.Symbol when token.Text == "(":
                var inner = ParseExpression();
                Expect(")", "to close '('");
                return inner with { Line = token.Line };
            case SeedTokenKind.Symbol when token.Text == "[":
                return new SeedValue(SeedValueKind.List, token.Line, Items: ParseItems("]"));
            case SeedTokenKind.Symbol when token.Text == "{":
                return new SeedValue(SeedValueKind.Tuple, token.Line, Items: ParseItems("}"));
            default:
                throw At(token, $"expected a value, found {token.Describe()}");
        }
    }

    private SeedValue ParseCall(SeedToken start, string name)
    {
        Expect("(", $"after '{name}'");
        ParseItems(")");
        return new SeedValue(SeedValueKind.Call, start.Line, Text: name);
    }

    // Elements up to the closing symbol; "key: value" elements become {:key, value} tuples, as in Elixir.
    private List<SeedValue> ParseItems(string close)
    {
        var items = new List<SeedValue>();
        while (!Accept(close))
        {
            if (Peek.Kind == SeedTokenKind.KeywordKey)
            {
                var key = Next();
                var keyAtom = new SeedValue(SeedValueKind.Atom, key.Line, Text: key.Text);
                items.Add(new SeedValue(SeedValueKind.Tuple, key.Line, Items: [keyAtom, ParseExpression()]));
            }
            else
            {
                items.Add(ParseExpression());
            }

            if (!Accept(","))
            {
                Expect(close, "or ','");
                break;
            }
        }

        return items;
    }

    private string ParseModuleName()
    {
        var name = Next().Text;
        while (Peek.IsSymbol(".") && _tokens[_at + 1].Kind == SeedTokenKind.Alias)
        {
            Next();
            name += "." + Next().Text;
        }

        return name;
    }

    private static SeedValue Arithmetic(SeedToken op, SeedValue left, SeedValue right, Func<long, long, long> apply)
    {
        if (left.Kind != SeedValueKind.Integer || right.Kind != SeedValueKind.Integer)
        {
            throw At(op, $"'{op.Text}' needs integers, got {left.Describe()} and {right.Describe()}");
        }

        try
        {
            return left with { Integer = apply(left.Integer, right.Integer) };
        }
        catch (OverflowException)
        {
            throw At(op, "integer overflow");
        }
    }

    private SeedToken Next()
    {
        var token = _tokens[_at];
        if (token.Kind != SeedTokenKind.End)
        {
            _at++;
        }

        return token;
    }

    private bool Accept(string symbol)
    {
        if (!Peek.IsSymbol(symbol))
        {
            return false;
        }

        _at++;
        return true;
    }

    private void Expect(string symbol, string context)
    {
        if (!Accept(symbol))
        {
            throw At(Peek, $"expected '{symbol}' {context}, found {Peek.Describe()}");
        }
    }

    private static SeedSyntaxException At(SeedToken token, string problem) => new(token.Line, token.Column, problem);
}
