//! The settings of the generation that progenitor has no option for, applied to its output
//! before it is formatted: part of the generation, like the others, so the output is still
//! never edited by hand.

/// progenitor adds an `api-version` header, the spec's `info.version`, to every request (a
/// convention of the APIs it was written for); Braze defines no such header. This drops the
/// statement that appends it, and the slot reserved for it in the operation's header map (so an
/// operation without header parameters allocates no map), in every function body of every
/// module: the request is built without it instead of being built with it and cleaned up on
/// each call. A setting of the generation, like the others.
pub fn without_api_version_header(items: &mut [syn::Item]) {
    fn tokens(node: &impl quote::ToTokens) -> String {
        node.to_token_stream().to_string()
    }
    fn block(block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| {
            let text = tokens(stmt);
            !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
        });
        if block.stmts.len() == before {
            return;
        }
        for stmt in &mut block.stmts {
            let syn::Stmt::Local(local) = stmt else { continue };
            if tokens(&local.pat) != "mut header_map" {
                continue;
            }
            // Header parameters, if any, still append to it; without, it is never changed.
            local.attrs.push(syn::parse_quote!(#[allow(unused_mut)]));
            let Some(init) = &mut local.init else { continue };
            let syn::Expr::Call(call) = &mut *init.expr else {
                continue;
            };
            if !tokens(&call.func).ends_with("HeaderMap :: with_capacity") {
                continue;
            }
            if let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n), ..
            })) = call.args.first_mut()
            {
                if let Ok(slots) = n.base10_parse::<usize>() {
                    *n = syn::LitInt::new(&format!("{}usize", slots.saturating_sub(1)), n.span());
                }
            }
        }
    }
    for item in items {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    without_api_version_header(content);
                }
            }
            syn::Item::Impl(imp) => {
                for member in &mut imp.items {
                    if let syn::ImplItem::Fn(f) = member {
                        block(&mut f.block);
                    }
                }
            }
            syn::Item::Fn(f) => block(&mut f.block),
            _ => {}
        }
    }
}

/// The generator derives `schemars::JsonSchema` on the types it chooses (the settings'
/// `with_derive`); this moves each such derive behind the generated crate's `schemars` feature,
/// as `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` right after the
/// `derive` it came from, in every module. A setting of the generation, like the others: the
/// output is still never edited by hand.
pub fn schemars_behind_feature(items: &mut [syn::Item]) {
    type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
    let is_json_schema = |path: &syn::Path| {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        names == ["schemars", "JsonSchema"]
    };
    let gated =
        || -> syn::Attribute { syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]) };
    for item in items {
        let attrs = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    schemars_behind_feature(content);
                }
                continue;
            }
            _ => continue,
        };
        let mut at = None;
        for (index, attr) in attrs.iter_mut().enumerate() {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let Ok(paths) = attr.parse_args_with(Paths::parse_terminated) else {
                continue;
            };
            if !paths.iter().any(is_json_schema) {
                continue;
            }
            let kept: Paths = paths.into_iter().filter(|p| !is_json_schema(p)).collect();
            if kept.is_empty() {
                *attr = gated();
            } else {
                *attr = syn::parse_quote!(#[derive(#kept)]);
                at = Some(index + 1);
            }
        }
        if let Some(at) = at {
            attrs.insert(at, gated());
        }
    }
}
