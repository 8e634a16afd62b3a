using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// A lock held only so that one shared hasher can be used by one thread at a time:
/// <c>lock (s_md5) { return new Guid(s_md5.ComputeHash(data)); }</c>. The framework's one-shot static
/// (<c>MD5.HashData(data)</c>, .NET 5+; the <c>Stream</c> overload .NET 7+) computes the same digest with no shared
/// object, so the call is rewritten and the lock dropped: nothing is serialised any more.
/// </summary>
/// <remarks>
/// Offered only when the rewrite provably keeps behaviour: every locked statement is a <c>return</c>, a local
/// assignment or declaration, or an expression statement, whose only field is the hasher and whose calls are the
/// hasher's <c>ComputeHash</c> and framework helpers that keep no state (<c>Encoding.GetBytes</c>, <c>Convert</c>,
/// <c>BitConverter</c>, constructors of framework value types); the hasher's algorithm is known (its type or the
/// initialiser <c>SHA256.Create()</c> / <c>new SHA256Managed()</c>); and the containing type uses the hasher for nothing
/// but <c>ComputeHash</c>, locking and disposal (no incremental <c>TransformBlock</c>, no read of <c>.Hash</c>).
/// </remarks>
internal sealed class OneShotHashPlan
{
    private static readonly string[] Algorithms = { "MD5", "SHA1", "SHA256", "SHA384", "SHA512" };

    private OneShotHashPlan(IReadOnlyList<StatementSyntax> rewritten, string algorithm)
    {
        Rewritten = rewritten;
        Algorithm = algorithm;
    }

    /// <summary>The locked statements with each <c>ComputeHash</c> call replaced by the static <c>HashData</c>.</summary>
    public IReadOnlyList<StatementSyntax> Rewritten { get; }

    /// <summary>"SHA256", for the action's title.</summary>
    public string Algorithm { get; }

    public static OneShotHashPlan? Create(GuardedRegion region, SemanticModel model, CancellationToken cancellationToken)
        => region.IsWholeBody ? null : CreateFor(region.StatementsInTree, region, model, cancellationToken);

    private static OneShotHashPlan? CreateFor(IReadOnlyList<StatementSyntax> allLocked, GuardedRegion region, SemanticModel model, CancellationToken cancellationToken)
    {
        // hasher.Initialize() after ComputeHash resets what ComputeHash has already reset: with no shared hasher it goes.
        var resets = allLocked.Select(s => (Statement: s, Field: ResetField(s, model, cancellationToken))).Where(r => r.Field is not null).ToList();
        var locked = allLocked.Except(resets.Select(r => r.Statement)).ToList();
        if (locked.Count == 0 || !locked.All(IsSimpleStatement))
        {
            return null;
        }

        IFieldSymbol? hasher = null;
        var calls = new List<InvocationExpressionSyntax>();
        foreach (var node in locked.SelectMany(s => s.DescendantNodesAndSelf()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (node)
            {
                case InvocationExpressionSyntax invocation when IsComputeHashOnField(invocation, model, cancellationToken, out var field):
                    if (hasher is not null && !SymbolEqualityComparer.Default.Equals(hasher, field))
                    {
                        return null;
                    }

                    hasher = field;
                    calls.Add(invocation);
                    break;
                case InvocationExpressionSyntax invocation when !IsStatelessFrameworkCall(invocation, model, cancellationToken):
                    return null;
                case ObjectCreationExpressionSyntax creation when !IsFrameworkSymbol(model.GetTypeInfo(creation, cancellationToken).Type):
                    // A source constructor may touch what the lock guards.
                    return null;
                case IdentifierNameSyntax identifier when IsState(model.GetSymbolInfo(identifier, cancellationToken).Symbol):
                    if (!IsReceiverOfCollectedCall(identifier, model, cancellationToken))
                    {
                        return null;
                    }

                    break;
                case LocalDeclarationStatementSyntax declaration when DeclaresOutsideName(declaration, region):
                    return null;
            }
        }

        if (hasher is null || AlgorithmOf(hasher, model.Compilation, cancellationToken) is not { } algorithm
            || !OnlyHashesElsewhere(hasher, model, cancellationToken)
            || resets.Any(r => !SymbolEqualityComparer.Default.Equals(r.Field, hasher)))
        {
            return null;
        }

        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var call in calls)
        {
            if (OneShotCall(call, algorithm, model, cancellationToken) is not { } oneShot)
            {
                return null;
            }

            replacements[call] = oneShot;
        }

        var rewritten = locked
            .Select(s => s.ReplaceNodes(replacements.Keys.Where(k => s.Span.Contains(k.Span) && s.SyntaxTree == k.SyntaxTree), (original, _) => replacements[original]))
            .Select(s => s.WithAdditionalAnnotations(Formatter.Annotation))
            .ToList();
        return new OneShotHashPlan(rewritten, algorithm.Name);
    }

    /// <summary>A field, an event, an instance property or a static property of source code: state another thread may share.</summary>
    private static bool IsState(ISymbol? symbol)
        => symbol is IFieldSymbol { IsConst: false } or IEventSymbol or IPropertySymbol { IsStatic: false }
           || (symbol is IPropertySymbol { IsStatic: true } property && !IsFrameworkSymbol(property.ContainingType));

    /// <summary>A type of the framework (its namespace is System or under it).</summary>
    private static bool IsFrameworkSymbol(ITypeSymbol? type)
        => type?.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal));

    /// <summary>The HashAlgorithm field of a <c>hasher.Initialize();</c> statement, else null.</summary>
    private static IFieldSymbol? ResetField(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
        => statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Initialize" } access, ArgumentList.Arguments.Count: 0 } call }
           && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method && DerivesFrom(method.ContainingType, "HashAlgorithm")
            ? model.GetSymbolInfo(access.Expression, cancellationToken).Symbol as IFieldSymbol
            : null;

    /// <summary><c>return e;</c>, <c>x = e;</c>, <c>var x = e;</c> or <c>e;</c>: no branch, loop or nested block.</summary>
    private static bool IsSimpleStatement(StatementSyntax statement)
        => statement is ReturnStatementSyntax { Expression: not null } or ExpressionStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 };

    /// <summary>A local declared under the lock would move into the enclosing block: refuse when that block (or a nested one) declares the same name.</summary>
    private static bool DeclaresOutsideName(LocalDeclarationStatementSyntax declaration, GuardedRegion region)
    {
        var names = declaration.Declaration.Variables.Select(v => v.Identifier.ValueText).ToList();
        return region.Container.DescendantNodes()
            .OfType<VariableDeclaratorSyntax>()
            .Any(v => names.Contains(v.Identifier.ValueText) && !declaration.Span.Contains(v.Span));
    }

    private static bool IsComputeHashOnField(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken, out IFieldSymbol? field)
    {
        field = null;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ComputeHash" } access
            || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
            || !DerivesFrom(method.ContainingType, "HashAlgorithm"))
        {
            return false;
        }

        field = model.GetSymbolInfo(access.Expression, cancellationToken).Symbol as IFieldSymbol;
        return field is not null;
    }

    /// <summary>The identifier is the hasher field in front of a ComputeHash call (<c>s_md5.ComputeHash</c>, <c>this.md5.ComputeHash</c>).</summary>
    private static bool IsReceiverOfCollectedCall(IdentifierNameSyntax identifier, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode node = identifier;
        if (node.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess && thisAccess.Name == identifier)
        {
            node = thisAccess;
        }

        return node.Parent is MemberAccessExpressionSyntax access && access.Expression == node
               && access.Parent is InvocationExpressionSyntax invocation
               && IsComputeHashOnField(invocation, model, cancellationToken, out _);
    }

    /// <summary>
    /// Framework calls that read their arguments and keep no shared state: Encoding's GetBytes/GetString, Convert,
    /// BitConverter, string and span helpers, and constructors are not invocations. Anything else (source methods,
    /// other framework calls) may touch what the lock guards.
    /// </summary>
    private static bool IsStatelessFrameworkCall(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
        {
            return false;
        }

        var type = method.ContainingType;
        var ns = type?.ContainingNamespace?.ToDisplayString();
        return type?.Name switch
        {
            "Encoding" or "UTF8Encoding" or "UnicodeEncoding" or "ASCIIEncoding" => ns == "System.Text" && (method.Name.StartsWith("GetBytes", System.StringComparison.Ordinal) || method.Name == "GetString"),
            "Convert" or "BitConverter" => ns == "System",
            "String" => ns == "System" && method.IsStatic,
            "MemoryExtensions" => ns == "System" && method.Name == "AsSpan",
            _ => false,
        };
    }

    /// <summary>The algorithm class with a static HashData: the field's type (SHA256, SHA256Managed) or its initialiser's (<c>SHA256.Create()</c>).</summary>
    private static INamedTypeSymbol? AlgorithmOf(IFieldSymbol field, Compilation compilation, CancellationToken cancellationToken)
    {
        var algorithm = AlgorithmIn(field.Type as INamedTypeSymbol);
        if (algorithm is null)
        {
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } value })
                {
                    var valueModel = compilation.GetSemanticModel(value.SyntaxTree);
                    var made = valueModel.GetTypeInfo(value, cancellationToken).Type as INamedTypeSymbol;
                    if (value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Create" } } create
                        && create.ArgumentList.Arguments.Count == 0
                        && valueModel.GetSymbolInfo(create, cancellationToken).Symbol is IMethodSymbol factory)
                    {
                        made = factory.ContainingType;
                    }

                    algorithm = AlgorithmIn(made);
                }
            }
        }

        return algorithm is not null && algorithm.GetMembers("HashData").Length > 0 ? algorithm : null;
    }

    private static INamedTypeSymbol? AlgorithmIn(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Algorithms.Contains(t.Name) && t.ContainingNamespace?.ToDisplayString() == "System.Security.Cryptography")
            {
                return t;
            }
        }

        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol? type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == name && t.ContainingNamespace?.ToDisplayString() == "System.Security.Cryptography")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// In the hasher's declaring type (all its partial parts in this compilation), every use of the field is its
    /// declaration, a <c>ComputeHash</c> call, a lock on it, or its disposal: nothing else depends on the state the
    /// shared object carries between calls.
    /// </summary>
    private static bool OnlyHashesElsewhere(IFieldSymbol hasher, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var reference in hasher.ContainingType.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var declarationModel = declaration.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var identifier in declaration.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != hasher.Name
                    || !SymbolEqualityComparer.Default.Equals(declarationModel.GetSymbolInfo(identifier, cancellationToken).Symbol, hasher))
                {
                    continue;
                }

                SyntaxNode use = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == identifier ? self : identifier;
                var allowed = use.Parent switch
                {
                    LockStatementSyntax lockStatement => lockStatement.Expression == use,
                    MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ComputeHash" or "Initialize" or "Dispose" or "Clear" } access => access.Expression == use,
                    _ => false,
                };
                if (!allowed)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary><c>ComputeHash(bytes)</c> → <c>SHA256.HashData(bytes)</c>; <c>(bytes, offset, count)</c> → a span of them; <c>(stream)</c> when HashData(Stream) exists.</summary>
    private static ExpressionSyntax? OneShotCall(InvocationExpressionSyntax call, INamedTypeSymbol algorithm, SemanticModel model, CancellationToken cancellationToken)
    {
        var arguments = call.ArgumentList.Arguments;
        if (arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
        {
            return null;
        }

        ArgumentListSyntax? oneShotArguments = null;
        var first = arguments.Count > 0 ? model.GetTypeInfo(arguments[0].Expression, cancellationToken).Type : null;
        var hashData = algorithm.GetMembers("HashData").OfType<IMethodSymbol>().Where(m => m.IsStatic && m.ReturnType is IArrayTypeSymbol).ToList();
        if (arguments.Count == 1 && first is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte }
            && hashData.Any(m => m.Parameters.Length == 1 && m.Parameters[0].Type is IArrayTypeSymbol))
        {
            oneShotArguments = call.ArgumentList;
        }
        else if (arguments.Count == 3 && first is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte }
                 && hashData.Any(m => m.Parameters.Length == 1 && m.Parameters[0].Type.Name == "ReadOnlySpan"))
        {
            var span = SyntaxFactory.ObjectCreationExpression(
                SyntaxFactory.ParseTypeName("global::System.ReadOnlySpan<byte>").WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.ArgumentList(arguments),
                initializer: null);
            oneShotArguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(span)));
        }
        else if (arguments.Count == 1 && first is not null && first.Name.EndsWith("Stream", System.StringComparison.Ordinal)
                 && hashData.Any(m => m.Parameters.Length == 1 && m.Parameters[0].Type.Name == "Stream"))
        {
            oneShotArguments = call.ArgumentList;
        }

        if (oneShotArguments is null)
        {
            return null;
        }

        var target = SyntaxFactory.ParseExpression("global::System.Security.Cryptography." + algorithm.Name + ".HashData")
            .WithAdditionalAnnotations(Simplifier.Annotation);
        return SyntaxFactory.InvocationExpression(target, oneShotArguments).WithTriviaFrom(call);
    }
}
