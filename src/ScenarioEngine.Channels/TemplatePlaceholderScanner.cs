using System.Text;

namespace ScenarioEngine.Channels;

/// <summary>
/// Reads the Handlebars tags of a template and resolves every data path they use against the block
/// context (each/with change it, if/unless do not), without rendering.
/// </summary>
internal static class TemplatePlaceholderScanner
{
    private sealed class Frame
    {
        public required string Name { get; init; }

        /// <summary>The data path the context points at ("" for the root).</summary>
        public required string BasePath { get; set; }

        /// <summary>True when the block changed the context (each, with, a section); false for if/unless/helpers.</summary>
        public required bool ChangesContext { get; set; }

        public Dictionary<string, string?> BlockParams { get; } = new(StringComparer.Ordinal);

        public Frame? Parent { get; init; }
    }

    public static IReadOnlyList<string> Scan(string template, Func<string, bool> isHelper)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var root = new Frame { Name = string.Empty, BasePath = string.Empty, ChangesContext = true };
        var stack = new Stack<Frame>();
        stack.Push(root);

        void Add(string? path)
        {
            if (!string.IsNullOrEmpty(path) && seen.Add(path))
            {
                found.Add(path);
            }
        }

        var i = 0;
        while (true)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            if (open > 0 && template[open - 1] == '\\')
            {
                // \{{ is an escaped, literal mustache.
                i = open + 2;
                continue;
            }

            if (template.AsSpan(open).StartsWith("{{!--"))
            {
                var endComment = template.IndexOf("--}}", open + 5, StringComparison.Ordinal);
                i = endComment < 0 ? throw Unterminated(open) : endComment + 4;
                continue;
            }

            var triple = template.AsSpan(open).StartsWith("{{{");
            var closeToken = triple ? "}}}" : "}}";
            var close = template.IndexOf(closeToken, open + (triple ? 3 : 2), StringComparison.Ordinal);
            if (close < 0)
            {
                throw Unterminated(open);
            }

            var body = template.Substring(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2)).Trim();
            i = close + closeToken.Length;
            if (body.StartsWith('~'))
            {
                body = body[1..];
            }

            if (body.EndsWith('~'))
            {
                body = body[..^1];
            }

            body = body.Trim();
            if (body.Length == 0)
            {
                continue;
            }

            var current = stack.Peek();
            switch (body[0])
            {
                case '!':
                    continue;

                case '>':
                    // A partial: its own placeholders belong to the partial's template.
                    continue;

                case '#':
                {
                    var inner = body[1..].Trim();
                    if (inner.StartsWith('>') || inner.StartsWith('*'))
                    {
                        // Partial block or inline decorator: keep the structure, ignore its name.
                        var name = Tokenize(inner[1..].Trim()).FirstOrDefault() ?? string.Empty;
                        stack.Push(new Frame { Name = name, BasePath = current.BasePath, ChangesContext = false, Parent = current });
                        continue;
                    }

                    stack.Push(OpenBlock(inner, current, isHelper, Add));
                    continue;
                }

                case '^':
                {
                    var inner = body[1..].Trim();
                    if (inner.Length == 0)
                    {
                        Else(stack);
                        continue;
                    }

                    var tokens = Tokenize(inner);
                    foreach (var param in Params(tokens, isHelper(tokens[0]) ? 1 : 0))
                    {
                        AddExpression(param, current, isHelper, Add);
                    }

                    stack.Push(new Frame { Name = tokens[0], BasePath = current.BasePath, ChangesContext = false, Parent = current });
                    continue;
                }

                case '/':
                {
                    var name = body[1..].Trim();
                    if (stack.Count == 1 || !string.Equals(stack.Peek().Name, name, StringComparison.Ordinal))
                    {
                        throw new TemplateSyntaxException($"'{{{{/{name}}}}}' does not close an open block.");
                    }

                    stack.Pop();
                    continue;
                }

                case '&':
                    body = body[1..].Trim();
                    break;
            }

            var parts = Tokenize(body);
            if (parts[0] == "else")
            {
                Else(stack);
                if (parts.Count > 1)
                {
                    // {{else if x}}: the chained condition is read in the enclosing context.
                    var enclosing = stack.Peek();
                    foreach (var param in Params(parts, 2))
                    {
                        AddExpression(param, enclosing, isHelper, Add);
                    }
                }

                continue;
            }

            if (parts.Count == 1 && !isHelper(parts[0]))
            {
                AddExpression(parts[0], current, isHelper, Add);
                continue;
            }

            // {{helper a b key=c}}: the first token names the helper.
            foreach (var param in Params(parts, 1))
            {
                AddExpression(param, current, isHelper, Add);
            }
        }

        if (stack.Count > 1)
        {
            throw new TemplateSyntaxException($"The block '{{{{#{stack.Peek().Name}}}}}' is never closed.");
        }

        return found;
    }

    private static Frame OpenBlock(string inner, Frame current, Func<string, bool> isHelper, Action<string?> add)
    {
        var tokens = Tokenize(inner);
        var name = tokens[0];
        var blockParams = new List<string>();
        var asIndex = tokens.IndexOf("as");
        if (asIndex > 0 && asIndex + 1 < tokens.Count && tokens[asIndex + 1].StartsWith('|'))
        {
            blockParams.AddRange(string.Join(' ', tokens.Skip(asIndex + 1)).Trim('|', ' ')
                .Split(' ', StringSplitOptions.RemoveEmptyEntries));
            tokens = tokens.Take(asIndex).ToList();
        }

        var args = Params(tokens, 1).ToList();
        var target = args.Count > 0 ? Resolve(args[0], current) : null;
        foreach (var arg in args)
        {
            AddExpression(arg, current, isHelper, add);
        }

        Frame frame;
        switch (name)
        {
            case "each":
                frame = new Frame { Name = name, BasePath = target is null ? current.BasePath : target + "[]", ChangesContext = true, Parent = current };
                if (blockParams.Count > 0)
                {
                    frame.BlockParams[blockParams[0]] = frame.BasePath;
                }

                if (blockParams.Count > 1)
                {
                    frame.BlockParams[blockParams[1]] = null;
                }

                break;

            case "with":
                frame = new Frame { Name = name, BasePath = target ?? current.BasePath, ChangesContext = true, Parent = current };
                if (blockParams.Count > 0)
                {
                    frame.BlockParams[blockParams[0]] = frame.BasePath;
                }

                break;

            case "if" or "unless":
                frame = new Frame { Name = name, BasePath = current.BasePath, ChangesContext = false, Parent = current };
                break;

            default:
                if (tokens.Count == 1 && !isHelper(name))
                {
                    // {{#profile}} ... {{/profile}}: a section over a value, which becomes the context.
                    var section = Resolve(name, current);
                    add(section);
                    frame = new Frame { Name = name, BasePath = section ?? current.BasePath, ChangesContext = true, Parent = current };
                }
                else
                {
                    frame = new Frame { Name = name, BasePath = current.BasePath, ChangesContext = false, Parent = current };
                }

                foreach (var param in blockParams)
                {
                    frame.BlockParams[param] = null;
                }

                break;
        }

        return frame;
    }

    /// <summary>An else branch of each/with runs in the enclosing context, not the item's.</summary>
    private static void Else(Stack<Frame> stack)
    {
        if (stack.Count == 1)
        {
            throw new TemplateSyntaxException("'{{else}}' appears outside a block.");
        }

        var frame = stack.Peek();
        if (frame.ChangesContext && frame.Parent is { } parent)
        {
            frame.BasePath = parent.BasePath;
            frame.ChangesContext = false;
            frame.BlockParams.Clear();
        }
    }

    private static IEnumerable<string> Params(List<string> tokens, int skip)
    {
        foreach (var token in tokens.Skip(skip))
        {
            var equals = token.IndexOf('=');
            if (equals > 0 && !token.StartsWith('"') && !token.StartsWith('\'') && !token.StartsWith('('))
            {
                yield return token[(equals + 1)..];
            }
            else
            {
                yield return token;
            }
        }
    }

    private static void AddExpression(string token, Frame frame, Func<string, bool> isHelper, Action<string?> add)
    {
        if (token.StartsWith('(') && token.EndsWith(')'))
        {
            var inner = Tokenize(token[1..^1].Trim());
            foreach (var param in Params(inner, 1))
            {
                AddExpression(param, frame, isHelper, add);
            }

            return;
        }

        add(Resolve(token, frame));
    }

    /// <summary>Resolves a path expression to a data path from the root, or null for literals and data variables.</summary>
    private static string? Resolve(string token, Frame frame)
    {
        if (token.Length == 0 || IsLiteral(token))
        {
            return null;
        }

        var path = token.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal);
        if (path.StartsWith("@root.", StringComparison.Ordinal))
        {
            return Join(string.Empty, path["@root.".Length..]);
        }

        if (path.StartsWith('@'))
        {
            return null;
        }

        var context = frame;
        while (path.StartsWith("../", StringComparison.Ordinal))
        {
            path = path[3..];
            // ../ steps to the parent context, skipping blocks that did not change it.
            while (context.Parent is not null && !context.ChangesContext)
            {
                context = context.Parent;
            }

            context = context.Parent ?? context;
        }

        if (path is "this" or "." or "")
        {
            return null;
        }

        if (path.StartsWith("this.", StringComparison.Ordinal) || path.StartsWith("this/", StringComparison.Ordinal))
        {
            return Join(context.BasePath, path[5..]);
        }

        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            return Join(context.BasePath, path[2..]);
        }

        var head = path.Split('.', 2)[0];
        for (var scope = context; scope is not null; scope = scope.Parent)
        {
            if (scope.BlockParams.TryGetValue(head, out var bound))
            {
                // A block param: the item (bound to a path) or the index/key (null).
                return bound is null ? null : path.Length == head.Length ? null : Join(bound, path[(head.Length + 1)..]);
            }
        }

        return Join(context.BasePath, path);
    }

    private static string Join(string basePath, string path)
    {
        path = path.Replace('/', '.');
        return basePath.Length == 0 ? path : basePath + "." + path;
    }

    private static bool IsLiteral(string token) =>
        token[0] is '"' or '\'' || token is "true" or "false" or "null" or "undefined"
        || double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Splits a tag body on whitespace, keeping quoted strings, (subexpressions) and [segments] whole.</summary>
    private static List<string> Tokenize(string body)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        char quote = '\0';
        var inSegment = false;
        foreach (var c in body)
        {
            if (quote != '\0')
            {
                current.Append(c);
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '[':
                    inSegment = true;
                    break;
                case ']':
                    inSegment = false;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
            }

            if (char.IsWhiteSpace(c) && depth == 0 && !inSegment)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (quote != '\0' || depth != 0)
        {
            throw new TemplateSyntaxException($"The tag '{{{{{body}}}}}' has an unterminated string or subexpression.");
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        if (tokens.Count == 0)
        {
            tokens.Add(string.Empty);
        }

        return tokens;
    }

    private static TemplateSyntaxException Unterminated(int position) =>
        new($"The tag opened at position {position} is never closed.");
}
