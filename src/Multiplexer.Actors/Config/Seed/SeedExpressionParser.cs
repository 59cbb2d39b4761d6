using static Multiplexer.Actors.Config.Seed.SeedSyntaxException;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Reads and evaluates one value of a seed <c>config.exs</c>: integers and their arithmetic
/// (<c>* + -</c>, unary minus, parentheses), ranges <c>a..b</c>, double-quoted strings, atoms, booleans,
/// <c>nil</c>, and, for other applications' settings that are only skipped, lists, tuples, module names
/// and calls.
/// </summary>
internal sealed class SeedExpressionParser(SeedTokenStream tokens)
{
    private readonly SeedTokenStream _tokens = tokens;

    /// <summary>One value, evaluated: a range, or an arithmetic expression, or a literal.</summary>
    public SeedValue Expression()
    {
        var first = ParseAdditive();
        if (!_tokens.Peek.IsSymbol(".."))
        {
            return first;
        }

        var dots = _tokens.Next();
        var last = ParseAdditive();
        if (_tokens.Peek.IsSymbol("//"))
        {
            throw At(_tokens.Peek, "ranges with a step (a..b//step) are not supported");
        }

        if (first.Kind != SeedValueKind.Integer || last.Kind != SeedValueKind.Integer)
        {
            throw At(dots, $"a range needs integers, got {first.Describe()}..{last.Describe()}");
        }

        return new SeedValue(SeedValueKind.Range, first.Line, Integer: first.Integer, Last: last.Integer);
    }

    /// <summary>A dotted module name such as <c>Mix.Config</c>, from its first part on.</summary>
    public string ModuleName(SeedToken first)
    {
        var name = first.Text;
        while (_tokens.Peek.IsSymbol(".") && _tokens.AfterPeek.Kind == SeedTokenKind.Alias)
        {
            _tokens.Next();
            name += "." + _tokens.Next().Text;
        }

        return name;
    }

    private SeedValue ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (_tokens.Peek.IsSymbol("+") || _tokens.Peek.IsSymbol("-"))
        {
            var op = _tokens.Next();
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
            if (_tokens.Peek.IsSymbol("/"))
            {
                throw At(_tokens.Peek, "division with '/' is not supported (in Elixir it gives a float); write an integer");
            }

            if (!_tokens.Peek.IsSymbol("*"))
            {
                return left;
            }

            var op = _tokens.Next();
            var right = ParseUnary();
            left = Arithmetic(op, left, right, (a, b) => checked(a * b));
        }
    }

    private SeedValue ParseUnary()
    {
        if (!_tokens.Peek.IsSymbol("-") && !_tokens.Peek.IsSymbol("+"))
        {
            return ParsePrimary();
        }

        var op = _tokens.Next();
        var operand = ParseUnary();
        if (operand.Kind != SeedValueKind.Integer)
        {
            throw At(op, $"'{op.Text}' needs an integer, got {operand.Describe()}");
        }

        return operand with { Integer = op.Text == "-" ? -operand.Integer : operand.Integer, Line = op.Line };
    }

    private SeedValue ParsePrimary()
    {
        var token = _tokens.Next();
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
            case SeedTokenKind.Identifier when _tokens.Peek.IsSymbol("("):
                return ParseCall(token, token.Text);
            case SeedTokenKind.Identifier:
                throw At(token, $"'{token.Text}' is not a literal value; only integers, strings, atoms, booleans and ranges are supported");
            case SeedTokenKind.Alias:
                var module = ModuleName(token);
                if (_tokens.Peek.IsSymbol(".") && _tokens.AfterPeek.Kind == SeedTokenKind.Identifier)
                {
                    _tokens.Next();
                    return ParseCall(token, $"{module}.{_tokens.Next().Text}");
                }

                return new SeedValue(SeedValueKind.Module, token.Line, Text: module);
            case SeedTokenKind.Symbol when token.Text == "(":
                var inner = Expression();
                _tokens.Expect(")", "to close '('");
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
        _tokens.Expect("(", $"after '{name}'");
        ParseItems(")");
        return new SeedValue(SeedValueKind.Call, start.Line, Text: name);
    }

    // Elements up to the closing symbol; "key: value" elements become {:key, value} tuples, as in Elixir.
    private List<SeedValue> ParseItems(string close)
    {
        var items = new List<SeedValue>();
        while (!_tokens.Accept(close))
        {
            if (_tokens.Peek.Kind == SeedTokenKind.KeywordKey)
            {
                var key = _tokens.Next();
                var keyAtom = new SeedValue(SeedValueKind.Atom, key.Line, Text: key.Text);
                items.Add(new SeedValue(SeedValueKind.Tuple, key.Line, Items: [keyAtom, Expression()]));
            }
            else
            {
                items.Add(Expression());
            }

            if (!_tokens.Accept(","))
            {
                _tokens.Expect(close, "or ','");
                break;
            }
        }

        return items;
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
}
