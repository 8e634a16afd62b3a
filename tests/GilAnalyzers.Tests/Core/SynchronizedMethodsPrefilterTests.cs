using System.Linq;
using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace GilAnalyzers.Tests.Core;

/// <summary>
/// <see cref="SynchronizedMethods.IsSynchronized"/> answers false from the syntax, before it asks the compiler for the
/// method's implementation flags, when no declaration of the method carries an attribute list (a speed change: GIL002
/// asks for every member body). Pins that every way of writing the attribute still counts — an alias, <c>using static</c>,
/// a fully qualified name, the other part of a partial method, a local function, an accessor, a primary constructor — and
/// that the attribute's text in a string or a comment does not.
/// </summary>
public class SynchronizedMethodsPrefilterTests
{
    private const string Source = """
        using System.Runtime.CompilerServices;
        using MI = System.Runtime.CompilerServices.MethodImplAttribute;
        using static System.Runtime.CompilerServices.MethodImplOptions;

        public partial class Sample
        {
            [MethodImpl(MethodImplOptions.Synchronized)] public void Plain() { }
            [MI(MethodImplOptions.Synchronized)] public void Aliased() { }
            [MethodImpl(Synchronized)] public void UsingStatic() { }
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized | System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            public static void FullyQualified() { }
            [MethodImpl((MethodImplOptions)0x20)] public void Cast() { }
            [MethodImpl(MethodImplOptions.NoInlining)] public void OtherOption() { }

            public void NotSynchronized() { }
            public int Arrow() => 1;
            public void NameInString() { var text = "[MethodImpl(MethodImplOptions.Synchronized)]"; }
            // [MethodImpl(MethodImplOptions.Synchronized)]
            public void NameInComment() { }

            partial void DeclaredPart();
            [MethodImpl(MethodImplOptions.Synchronized)] partial void DeclaredPart() { }
            [MethodImpl(MethodImplOptions.Synchronized)] partial void ImplementedPart();
            partial void ImplementedPart() { }

            public Sample() { }
            [MethodImpl(MethodImplOptions.Synchronized)] public Sample(int x) { }
            [MethodImpl(MethodImplOptions.Synchronized)] ~Sample() { }
            [MethodImpl(MethodImplOptions.Synchronized)] public static Sample operator +(Sample a, Sample b) => a;
            public static Sample operator -(Sample a, Sample b) => a;

            public int Property { [MethodImpl(MethodImplOptions.Synchronized)] get => 1; set { } }
            public int ArrowProperty => 2;
            public int this[int i] { [MethodImpl(MethodImplOptions.Synchronized)] get { return i; } }
            public event System.EventHandler Changed { [MethodImpl(MethodImplOptions.Synchronized)] add { } remove { } }

            public void Outer()
            {
                [MethodImpl(MethodImplOptions.Synchronized)] void LocalSynchronized() { }
                void LocalPlain() { }
                LocalSynchronized();
                LocalPlain();
            }
        }

        [method: MethodImpl(MethodImplOptions.Synchronized)]
        public class WithPrimary(int value)
        {
            public int Value => value;
        }
        """;

    [Theory]
    [InlineData("Plain", true)]
    [InlineData("Aliased", true)]
    [InlineData("UsingStatic", true)]
    [InlineData("FullyQualified", true)]
    [InlineData("Cast", true)]
    [InlineData("OtherOption", false)]
    [InlineData("NotSynchronized", false)]
    [InlineData("Arrow", false)]
    [InlineData("NameInString", false)]
    [InlineData("NameInComment", false)]
    [InlineData("DeclaredPart", true)]
    [InlineData("ImplementedPart", true)]
    [InlineData("op_Addition", true)]
    [InlineData("op_Subtraction", false)]
    [InlineData("Finalize", true)]
    [InlineData("get_Property", true)]
    [InlineData("set_Property", false)]
    [InlineData("get_ArrowProperty", false)]
    [InlineData("get_Item", true)]
    [InlineData("add_Changed", true)]
    [InlineData("remove_Changed", false)]
    public async Task Member_IsSynchronized_OnlyWhenItsAttributeSaysSo(string name, bool expected)
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var type = compilation.GetTypeByMetadataName("Sample")!;
        var types = KnownTypes.For(compilation);
        foreach (var method in type.GetMembers(name).OfType<IMethodSymbol>())
        {
            Assert.Equal(expected, SynchronizedMethods.IsSynchronized(method, types));
            if (method.PartialImplementationPart is { } implementation)
            {
                Assert.Equal(expected, SynchronizedMethods.IsSynchronized(implementation, types));
            }
        }

        Assert.NotEmpty(type.GetMembers(name));
    }

    [Fact]
    public async Task Constructors_AndPrimaryConstructor_FollowTheirAttributes()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var types = KnownTypes.For(compilation);
        var constructors = compilation.GetTypeByMetadataName("Sample")!.InstanceConstructors;
        Assert.False(SynchronizedMethods.IsSynchronized(constructors.Single(c => c.Parameters.Length == 0), types));
        Assert.True(SynchronizedMethods.IsSynchronized(constructors.Single(c => c.Parameters.Length == 1), types));

        var primary = compilation.GetTypeByMetadataName("WithPrimary")!.InstanceConstructors.Single(c => c.Parameters.Length == 1);
        Assert.True(SynchronizedMethods.IsSynchronized(primary, types));
    }

    [Fact]
    public async Task LocalFunctions_FollowTheirAttributes()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var types = KnownTypes.For(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var locals = tree.GetRoot().DescendantNodes().OfType<LocalFunctionStatementSyntax>()
            .ToDictionary(l => l.Identifier.Text, l => (IMethodSymbol)model.GetDeclaredSymbol(l)!);

        Assert.True(SynchronizedMethods.IsSynchronized(locals["LocalSynchronized"], types));
        Assert.False(SynchronizedMethods.IsSynchronized(locals["LocalPlain"], types));
    }

    [Fact]
    public async Task MetadataMethods_TakeTheFullTest()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var types = KnownTypes.For(compilation);
        var monitorEnter = compilation.GetTypeByMetadataName("System.Threading.Monitor")!.GetMembers("Enter").OfType<IMethodSymbol>().First();

        Assert.False(SynchronizedMethods.IsSynchronized(monitorEnter, types));
    }
}
