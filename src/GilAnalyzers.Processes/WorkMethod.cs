using System;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GilAnalyzers.Processes;

/// <summary>
/// Checks that a work delegate can be re-created in another process and describes it for the worker.
/// Accepted: a static method (including a non-capturing local function), and a lambda that captures
/// nothing — C# compiles that to an instance method of the compiler's stateless singleton class
/// (<c>&lt;&gt;c</c>), which the worker finds by metadata token and invokes on its own singleton.
/// Rejected with <see cref="ArgumentException"/>: lambdas that capture, instance methods of objects,
/// delegates bound to a first argument, multicast, generic and dynamic methods.
/// </summary>
internal static class WorkMethod
{
    public static (WorkMethodIdentity Identity, MethodInfo Method) Describe(Delegate work, int parameterCount = 1, string parameterName = "work")
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        MethodInfo method = work.Method;
        string display = (method.DeclaringType?.FullName ?? "?") + "." + method.Name;
        (Type declaring, string location) = CheckLoadable(work, method, display, parameterName);
        bool onSingleton = CheckTarget(work, method, declaring, display, parameterName);
        CheckParameters(method, parameterCount, display, parameterName);
        var identity = new WorkMethodIdentity
        {
            AssemblyPath = location,
            AssemblyName = method.Module.Assembly.FullName ?? "",
            TypeName = declaring.FullName ?? declaring.Name,
            MethodName = method.Name,
            MetadataToken = method.MetadataToken,
            OnLambdaSingleton = onSingleton,
        };
        return (identity, method);
    }

    /// <summary>
    /// A map's work delegate (one argument): <see cref="Describe"/>, then its argument and result types checked to be
    /// payload types (<see cref="Payload.EnsureSerialisable"/>).
    /// </summary>
    public static (WorkMethodIdentity Identity, MethodInfo Method, Type ParameterType, Type ReturnType) DescribeMap(Delegate work)
    {
        (WorkMethodIdentity identity, MethodInfo method) = Describe(work);
        Type parameterType = method.GetParameters()[0].ParameterType;
        Payload.EnsureSerialisable(parameterType, "argument", identity.Display);
        Payload.EnsureSerialisable(method.ReturnType, "result", identity.Display);
        return (identity, method, parameterType, method.ReturnType);
    }

    private static ArgumentException Reject(string parameterName, string display, string why) =>
        new($"The {(parameterName == "work" ? "work method" : parameterName)} '{display}' cannot run in a worker process: {why}.", parameterName);

    /// <summary>One non-generic method in an assembly on disk: what a worker process can load. Returns its type and the assembly's path.</summary>
    private static (Type Declaring, string Location) CheckLoadable(Delegate work, MethodInfo method, string display, string parameterName)
    {
        Type? declaring = method.DeclaringType;
        if (work.GetInvocationList().Length != 1)
        {
            throw Reject(parameterName, display, "it is a multicast delegate; pass one static method");
        }

        if (declaring is null || method.Module.Assembly.IsDynamic || method.GetType().Name.Contains("Dynamic", StringComparison.Ordinal))
        {
            throw Reject(parameterName, display, "it is a dynamic method with no assembly on disk");
        }

        string location = method.Module.Assembly.Location;
        if (string.IsNullOrEmpty(location))
        {
            throw Reject(parameterName, display, $"its assembly '{method.Module.Assembly.GetName().Name}' was loaded from memory or a single-file bundle, so a worker process cannot load it from disk");
        }

        if (method.IsGenericMethod || declaring.IsGenericType || declaring.ContainsGenericParameters)
        {
            throw Reject(parameterName, display, "generic methods and methods of generic types are not supported; wrap the call in a non-generic static method");
        }

        return (declaring, location);
    }

    /// <summary>No state the worker cannot see: a static method not bound to an argument, or a stateless lambda (then true: it runs on the lambda singleton).</summary>
    private static bool CheckTarget(Delegate work, MethodInfo method, Type declaring, string display, string parameterName)
    {
        if (method.IsStatic)
        {
            if (work.Target is not null)
            {
                throw Reject(parameterName, display, "the delegate is bound to a first argument (e.g. an extension method called on an instance), which is state the worker cannot see");
            }

            return false;
        }

        if (IsStatelessLambdaSingleton(declaring, work.Target))
        {
            return true;
        }

        if (declaring.IsDefined(typeof(CompilerGeneratedAttribute), false))
        {
            throw Reject(parameterName, display,
                $"it is a lambda or local function that captures variables (closure class '{declaring.Name}'); " +
                "captured state does not exist in the worker process. Pass the data as the item instead, " +
                "and make the lambda 'static' or use a static method");
        }

        throw Reject(parameterName, display, $"it is an instance method of '{declaring.FullName}'; the object it is bound to does not exist in the worker process. Use a static method");
    }

    private static void CheckParameters(MethodInfo method, int parameterCount, string display, string parameterName)
    {
        ParameterInfo[] parameters = method.GetParameters();
        if (parameterCount == 1 && (parameters.Length != 1 || parameters[0].ParameterType.IsByRef))
        {
            throw Reject(parameterName, display, "the work method must take exactly one (by-value) parameter: the item");
        }

        if (parameterCount == 0 && parameters.Length != 0)
        {
            throw Reject(parameterName, display, "it must take no parameters");
        }
    }

    /// <summary>
    /// The C# compiler puts non-capturing lambdas on a nested class named <c>&lt;&gt;c</c> with no instance
    /// fields and one static field holding its only instance; that instance carries no state.
    /// </summary>
    internal static bool IsStatelessLambdaSingleton(Type type, object? target)
    {
        if (target is null || target.GetType() != type || !type.IsDefined(typeof(CompilerGeneratedAttribute), false))
        {
            return false;
        }

        if (type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length != 0)
        {
            return false;
        }

        return FindSingletonField(type) is FieldInfo field && ReferenceEquals(field.GetValue(null), target);
    }

    internal static FieldInfo? FindSingletonField(Type type)
    {
        foreach (FieldInfo field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType == type && field.IsInitOnly)
            {
                return field;
            }
        }

        return null;
    }
}
