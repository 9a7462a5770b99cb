# inspel_embed(TARGET_VAR DIR NAMESPACE): a generated .cpp holding every file of DIR, rebuilt when one changes.
function(inspel_embed out_var dir namespace)
  file(GLOB inputs CONFIGURE_DEPENDS ${dir}/*)
  string(REPLACE "::" "_" stem ${namespace})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${stem}_embedded.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSRC=${dir} -DOUT=${out} -DNAMESPACE=${namespace} -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${inputs} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${dir}")
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
