using System.Text.RegularExpressions;

namespace Multiplexer.Actors.Processes;

/// <summary>
/// How the shell is to run a start command so that the service keeps the shell's pid. Debian's dash
/// forks even for the last simple command of <c>sh -c</c>, so a simple command gets an explicit
/// <c>exec</c>; a compound one (lists, pipes, subshells, <c>cd app &amp;&amp; node …</c>) runs as written,
/// and then its shell is the service's process.
/// </summary>
public static partial class ShellCommand
{
    // Words that would make `exec WORD` fail or mean something else: reserved words, and builtins with
    // no program behind them.
    private static readonly HashSet<string> NotExecutable =
    [
        "!", "{", "}", "[[", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select",
        "then", "until", "while", ".", ":", "alias", "bg", "break", "cd", "command", "continue", "eval", "exec", "exit",
        "export", "fg", "getopts", "hash", "jobs", "local", "read", "readonly", "return", "set", "shift", "source",
        "times", "trap", "type", "ulimit", "umask", "unalias", "unset", "wait",
    ];

    /// <summary>
    /// <paramref name="command"/> with <c>exec</c> before its command word when it is one simple command
    /// (after any <c>NAME=value</c> assignments, which then still apply to it); otherwise unchanged.
    /// </summary>
    public static string ExecForm(string command)
    {
        if (Words(command) is not { } words)
        {
            return command;
        }
        var first = words.FirstOrDefault(w => !Assignment().IsMatch(w.Text));
        return first.Text is null || NotExecutable.Contains(first.Text) ? command : command.Insert(first.Start, "exec ");
    }

    /// <summary>The words of a simple command with where each starts; null when anything makes it compound.</summary>
    private static List<(int Start, string Text)>? Words(string command)
    {
        var words = new List<(int Start, string Text)>();
        var start = -1;
        var quote = '\0';
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }
                continue;
            }
            if (char.IsWhiteSpace(c) && c != '\n')
            {
                if (start >= 0)
                {
                    words.Add((start, command[start..i]));
                    start = -1;
                }
                continue;
            }
            // A list, a pipe, a background job, a subshell, a command substitution, several lines: compound.
            // `>&` and `<&` are redirections of a simple command, not a background job.
            if (c is ';' or '|' or '(' or ')' or '`' or '\n' || (c == '&' && (i == 0 || command[i - 1] is not ('>' or '<'))))
            {
                return null;
            }
            if (start < 0)
            {
                start = i;
            }
            if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '\\')
            {
                i++;
            }
        }
        if (quote != '\0')
        {
            return null;
        }
        if (start >= 0)
        {
            words.Add((start, command[start..]));
        }
        return words;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();
}
